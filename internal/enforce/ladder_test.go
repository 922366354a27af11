package enforce

import (
	"errors"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/policy"
)

// TestCheckMove checks every move between the six tiers for every kind of
// decider against a matrix: row is the tier moved from, column the tier
// moved to, in ladder order (clear, warning, flagged, restricted,
// suspended, blocked); "x" allowed, "." refused, "=" the same tier
// (invalid).
func TestCheckMove(t *testing.T) {
	e := policy.Default().Enforcement
	cases := []struct {
		name   string
		by     Authority
		matrix [6]string
	}{
		{"automation may only warn an account in good standing", Authority{Source: SourceRule}, [6]string{
			"=x....",
			".=....",
			"..=...",
			"...=..",
			"....=.",
			".....=",
		}},
		{"the DMCA rule restricts and suspends, never lowers", Authority{Source: SourceDMCA}, [6]string{
			"=x.xx.",
			".=.xx.",
			"..=xx.",
			"...=x.",
			"....=.",
			".....=",
		}},
		{"an agent warns and flags, and lowers nothing", Authority{Human: true, Role: "agent"}, [6]string{
			"=xx...",
			".=x...",
			"..=...",
			"...=..",
			"....=.",
			".....=",
		}},
		{"a senior moderator restricts, suspends and lowers, but does not block or unblock", Authority{Human: true, Role: "senior_moderator"}, [6]string{
			"=xxxx.",
			"x=xxx.",
			"xx=xx.",
			"xxx=x.",
			"xxxx=.",
			".....=",
		}},
		{"an admin makes every move", Authority{Human: true, Role: "admin"}, [6]string{
			"=xxxxx",
			"x=xxxx",
			"xx=xxx",
			"xxx=xx",
			"xxxx=x",
			"xxxxx=",
		}},
		{"an appeals reviewer outside an appeal makes no move", Authority{Human: true, Role: "appeals_reviewer"}, [6]string{
			"=.....",
			".=....",
			"..=...",
			"...=..",
			"....=.",
			".....=",
		}},
		{"an appeal lowers, never raises", Authority{Human: true, Role: "appeals_reviewer", Appeal: true}, [6]string{
			"=.....",
			"x=....",
			"xx=...",
			"xxx=..",
			"xxxx=.",
			"xxxxx=",
		}},
		{"an agent cannot decide an appeal", Authority{Human: true, Role: "agent", Appeal: true}, [6]string{
			"=.....",
			".=....",
			"..=...",
			"...=..",
			"....=.",
			".....=",
		}},
	}
	tiers := policy.Tiers()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, from := range tiers {
				for j, to := range tiers {
					err := CheckMove(e, from, to, c.by)
					switch want := c.matrix[i][j]; want {
					case 'x':
						if err != nil {
							t.Errorf("%s → %s refused: %v", from, to, err)
						}
					case '.':
						if !errors.Is(err, ErrForbidden) {
							t.Errorf("%s → %s: got %v, want forbidden", from, to, err)
						}
					case '=':
						if !errors.Is(err, ErrInvalid) {
							t.Errorf("%s → %s: got %v, want invalid", from, to, err)
						}
					}
				}
			}
		})
	}
	if err := CheckMove(e, "clear", "banned", Authority{Human: true, Role: "admin"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown tier: %v", err)
	}
	// The policy decides who applies a tier.
	e.TierRoles["restricted"] = "agent"
	if err := CheckMove(e, "clear", "restricted", Authority{Human: true, Role: "agent"}); err != nil {
		t.Errorf("policy lets agents restrict: %v", err)
	}
}

func TestCheckSanction(t *testing.T) {
	e := policy.Default().Enforcement
	day := 24 * time.Hour
	auto := Authority{Source: SourceLogistics}
	agent, senior, admin := Authority{Human: true, Role: "agent"}, Authority{Human: true, Role: "senior_moderator"}, Authority{Human: true, Role: "admin"}
	cases := []struct {
		kind string
		dur  time.Duration
		by   Authority
		want error
	}{
		{LiveSellingLoss, 14 * day, auto, nil},
		{EarlyPayoutLoss, 30 * day, auto, nil},
		{RaisedCommission, 7 * day, auto, ErrForbidden},
		{TemporarySuspension, 7 * day, auto, ErrForbidden},
		{PermanentBan, 0, auto, ErrForbidden},
		{EarlyPayoutLoss, 30 * day, agent, ErrForbidden},
		{EarlyPayoutLoss, 30 * day, senior, nil},
		{EarlyPayoutLoss, 31 * day, senior, ErrInvalid},
		{RaisedCommission, 31 * day, admin, ErrInvalid},
		{TemporarySuspension, 30 * day, senior, nil},
		{TemporarySuspension, 30*day + time.Second, senior, ErrInvalid},
		{TemporarySuspension, 0, senior, ErrInvalid},
		{PermanentBan, 0, senior, ErrForbidden},
		{PermanentBan, 0, admin, nil},
		{PermanentBan, day, admin, ErrInvalid},
		{"fine", day, admin, ErrInvalid},
	}
	for _, c := range cases {
		err := CheckSanction(e, c.kind, c.dur, c.by)
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s for %s by %+v: got %v, want %v", c.kind, c.dur, c.by, err, c.want)
		}
	}
}

func TestCompute(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	type caps struct{ list, offer, message, buy, live, payout bool }
	cases := []struct {
		name      string
		st        Standing
		want      caps
		orders    string
		screening string
		access    string
	}{
		{"clear", Standing{}, caps{true, true, true, true, true, true}, OrdersMayComplete, "standard", "full"},
		{"warning limits nothing", Standing{Tier: Warning}, caps{true, true, true, true, true, true}, OrdersMayComplete, "standard", "full"},
		{"flagged screens strictly", Standing{Tier: Flagged}, caps{true, true, true, true, true, true}, OrdersMayComplete, "strict", "full"},
		{"restricted: no listings or offers, deals complete", Standing{Tier: Restricted}, caps{false, false, true, true, false, true}, OrdersMayComplete, "standard", "full"},
		{"suspended: everything paused, deals frozen", Standing{Tier: Suspended}, caps{}, OrdersFrozen, "standard", "full"},
		{"blocked: access revoked", Standing{Tier: Blocked}, caps{}, OrdersFrozen, "standard", "revoked"},
		{"early payout lost", Standing{Sanctions: []Sanction{{Kind: EarlyPayoutLoss, ImposedAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)}}},
			caps{true, true, true, true, true, false}, OrdersMayComplete, "standard", "full"},
		{"an expired sanction stops counting at its expiry", Standing{Sanctions: []Sanction{{Kind: EarlyPayoutLoss, ImposedAt: now.Add(-time.Hour), ExpiresAt: now}}},
			caps{true, true, true, true, true, true}, OrdersMayComplete, "standard", "full"},
		{"live selling lost", Standing{Sanctions: []Sanction{{Kind: LiveSellingLoss, ImposedAt: now, ExpiresAt: now.Add(time.Hour)}}},
			caps{true, true, true, true, false, true}, OrdersMayComplete, "standard", "full"},
		{"temporary suspension freezes", Standing{Sanctions: []Sanction{{Kind: TemporarySuspension, ImposedAt: now, ExpiresAt: now.Add(time.Hour)}}},
			caps{}, OrdersFrozen, "standard", "full"},
		{"a ban scheduled for later does not count yet", Standing{Sanctions: []Sanction{{Kind: PermanentBan, ImposedAt: now.Add(time.Hour)}}},
			caps{true, true, true, true, true, true}, OrdersMayComplete, "standard", "full"},
		{"a ban in force revokes access", Standing{Sanctions: []Sanction{{Kind: PermanentBan, ImposedAt: now}}}, caps{}, OrdersFrozen, "standard", "revoked"},
		{"a scheduled block takes effect at its time", Standing{Tier: Restricted, TerminationAt: now, TerminationTier: true}, caps{}, OrdersFrozen, "standard", "revoked"},
	}
	for _, c := range cases {
		got := Compute("a1", c.st, now)
		have := caps{got.CanList, got.CanOffer, got.CanMessage, got.CanBuy, got.CanGoLive, got.EarlyPayout}
		if have != c.want || got.InFlight["paid"] != c.orders || got.InFlight["shipped"] != c.orders || got.Screening != c.screening || got.Access != c.access {
			t.Errorf("%s: got %+v orders %s screening %s access %s", c.name, have, got.InFlight["paid"], got.Screening, got.Access)
		}
	}
	rate := Compute("a1", Standing{Sanctions: []Sanction{
		{Kind: RaisedCommission, CommissionRate: 0.12, ImposedAt: now, ExpiresAt: now.Add(time.Hour)},
		{Kind: RaisedCommission, CommissionRate: 0.15, ImposedAt: now, ExpiresAt: now.Add(time.Hour)},
	}}, now)
	if rate.CommissionRate == nil || *rate.CommissionRate != 0.15 || len(rate.Sanctions) != 2 {
		t.Errorf("raised commission: %+v", rate)
	}
	if c := Compute("a1", Standing{}, now); c.CommissionRate != nil || c.Tier != Clear {
		t.Errorf("clear account: %+v", c)
	}
}
