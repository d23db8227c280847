"""The models of learning: continuing-education courses and their enrolments (education),
exams and their attempts (exams), and training sessions (training)."""
