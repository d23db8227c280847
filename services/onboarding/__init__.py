"""XJ-CE's order for experts brought over from the old system: complete the profile in a
renewal (续聘) application, have it approved, take continuing education, and only then
change region (异动申请) or other data (修改).

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.onboarding.order import STEPS, Onboarding, Progress

__all__ = ["STEPS", "Onboarding", "Progress"]
