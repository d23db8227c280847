"""The domain: plain async functions and small classes, no HTTP or WeChat wire format."""
