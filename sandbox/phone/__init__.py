"""The simulated phone's WeChat client: what WeChat shows on the phone when the mini-program
asks it to (sandbox/static/mp_*.js plays the mini-program itself)."""
