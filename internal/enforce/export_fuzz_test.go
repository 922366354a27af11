package enforce

import (
	"time"

	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// StatementOf composes, without a database, the statement of reasons the
// service issues when it moves an account to tier (row nil) or imposes the
// sanction row under pol: the decision checked and completed as the
// service does, then the statement as statement builds it. It is for the
// fuzz target in package enforce_test, which validates the DSA record
// with package compliance, which imports this package.
func StatementOf(pol *policy.Policy, d Decision, human, business bool, tier string, row *store.SanctionRow, now time.Time) (Statement, error) {
	if err := d.resolve(pol.Enforcement, human); err != nil {
		return Statement{}, err
	}
	s := &Service{Deps: svc.Deps{NewID: svc.NewID}}
	c := &step{st: store.EnforcementState{AccountID: "acct"}, pol: pol, business: business, now: now}
	return s.statement(c, Decider{Human: human}, store.EnforcementAction{ID: "act"}, d, tier, row), nil
}
