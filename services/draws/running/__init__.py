"""The running draw: the engine and its parts (waves, lifecycle, replies, sweep), answers by
chat, SMS and voice (answers, sms_answers, voice_answers), calls, who may be drawn (pool,
rules, skips, skip_reasons), the counts and the agency's news, the seal."""
