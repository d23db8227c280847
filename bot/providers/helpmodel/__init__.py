"""The province's model service the 智能客服 may rank with (docs/help-model.md)."""
