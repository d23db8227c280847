"""Experts' fees: the published standard (fee_standards), one fee by it (fee_rule), the
agency's record of what it paid (expert_fees) and payouts through WeChat Pay (payouts)."""
