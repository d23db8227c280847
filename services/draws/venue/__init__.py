"""At the venue: attendance (check-in and check-out), absences and their replacement, urging
those not arrived, reminders before the gathering time."""
