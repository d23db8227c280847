"""A fake trading centre's e-evaluation system (电子评标系统), docs/evaluation-systems.md."""
