package demo

import (
	"context"
	"fmt"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
)

// demoReport is one report the demo files, with its idempotency key so
// that loading again files nothing new.
type demoReport struct {
	key string
	req cases.ReportRequest
}

// reports are what the demo's users and a trusted flagger report about
// the fraud schemes' accounts: a queue with clusters, a trusted flagger's
// report, a spike and a free-text report, for a moderator to work.
func reports() []demoReport {
	c := castList()
	var out []demoReport
	add := func(target, reason, details, reporter, typ string) {
		out = append(out, demoReport{key: fmt.Sprintf("demo-report-%d", len(out)+1), req: cases.ReportRequest{
			Target: cases.Target{Type: "account", ID: target}, Reason: reason, Details: details,
			Reporter: cases.ReporterRef{ID: reporter, Type: typ}}})
	}
	for i := range 4 {
		add(c.counterfeiter, "counterfeit_or_illegal", "Sells 'replica 1:1' bags at a quarter of the price.", accountID(10+i), "user")
	}
	add(c.counterfeiter, "counterfeit_or_illegal", "Listings infringe our client's trademarks (notice ref. BRP-2291).", "brand-protection-eu", "trusted_flagger")
	for i := range 3 {
		add(c.phisher, "scam_or_fraud", "Sent me a link to 'confirm the payment' on another site.", accountID(20+i), "user")
	}
	add(c.landlord, "scam_or_fraud", "Wants the deposit by Western Union before any viewing.", accountID(30), "user")
	add(c.landlord, "owner_not_responding", "", accountID(31), "user")
	add(c.unreliable, "other", "Paid three weeks ago, still nothing shipped and no tracking.", accountID(40), "user")
	add(c.boostedSeller, "spam_or_misleading", "All the five-star reviews appeared on the same day.", accountID(41), "user")
	// Twelve reports within the hour on one account: a spike (the default
	// limit is ten per hour).
	for i := range 12 {
		add(c.ring[0], "harassment", "Abusive messages after I declined the offer.", accountID(50+i), "user")
	}
	return out
}

// FileReports files the demo's reports through the cases service, as the
// marketplace would; a second call files nothing new.
func FileReports(ctx context.Context, cs *cases.Service, marketplaceID string) (int, error) {
	actor := audit.Actor{Type: audit.ActorSystem, ID: "demo"}
	n := 0
	for _, r := range reports() {
		f, err := cs.File(ctx, marketplaceID, actor, r.req, r.key)
		if err != nil {
			return n, fmt.Errorf("demo report %s: %w", r.key, err)
		}
		if !f.Replayed {
			n++
		}
	}
	return n, nil
}
