package appeal

// OutcomesFor lists the outcomes a review of an appeal against a decision
// of type subject can have, as Decide applies them (R-A4): reduce lowers
// a tier, so only a tier's appeal can be reduced; a sanction or a content
// decision is reversed or maintained. Tools offer only these, so that a
// reviewer never picks an outcome Decide refuses.
func OutcomesFor(subject string) []string {
	if subject == SubjectTier {
		return Outcomes()
	}
	return []string{Reverse, Maintain, Escalate}
}
