"""The WeChat transport: the message server callback, its signatures, encryption and
replay guard, safe XML parsing, the typed incoming push and passive reply, and the WeChat
API client with its token cache and typed errors."""
