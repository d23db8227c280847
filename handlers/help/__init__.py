"""The flows of a person asking for help: the 智能客服 answering from the knowledge base
(ask), a human at the centre (support), an applicant's questions answered with what to do
next (guide), and feedback to the centre (feedback)."""
