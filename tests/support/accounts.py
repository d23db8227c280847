"""The WeChat accounts the tests play: the official account and the mini-program."""

TOKEN = "testtoken"
APPID = "wx1234567890abcdef"
SECRET = "test-secret"
MINI_APPID = "wxminiapp00000001"
MINI_SECRET = "mini-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OLD_AES_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
MINI_TOKEN = "minitoken"  # the mini-program's message server
MINI_AES_KEY = "0123456789ABCDEFGabcdefghijklmnopqrstuvwxyz"
