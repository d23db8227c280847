"""The transport and the providers: WeChat (wechat/), the conversation engine
(conversation/), the outbound relay (relay/) and the providers the service calls out to
(providers/)."""
