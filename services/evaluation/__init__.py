"""The trading centres' e-evaluation systems (电子评标系统; 发改法规〔2026〕195号 items 9, 16
and 17): registered as signed clients, they read an activity's committee and post its score
table; the scores are analysed for deviation and leaning, and what stands out becomes a
proposal on the expert's performance record, decided by a person.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

__all__: list[str] = []
