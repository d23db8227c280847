"""The local stand-in for the WeChat platform (API, pay gateway, SMS) and the simulator page."""
