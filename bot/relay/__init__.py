"""The outbound relay: claims due notifications, picks a channel, renders and sends them
within WeChat's rate limits."""
