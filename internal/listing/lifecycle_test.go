package listing

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/policy"
)

// TestCheckMove checks every move between the statuses, plus a new
// listing, for every actor against literal matrices: row from, column to,
// in Statuses order (pending_review, approved, rejected,
// changes_requested, paused, expired); "x" allowed, "." refused, "="
// already there.
func TestCheckMove(t *testing.T) {
	from := append([]string{""}, Statuses()...)
	cases := map[string][7]string{
		ActorCheck: {"xxxx..", "xxxx..", "xxxx..", "xxxx..", "xxxx..", "xxxx..", "xxxx.."},
		ActorModerator: {
			".xxxx.", // new (sent as an event, never checked)
			"=xxx..", // pending_review
			".=xxx.", // approved
			".x=...", // rejected
			".xx=..", // changes_requested
			".xx.=.", // paused
			".....=", // expired
		},
		ActorOwner:     {"......", "=.....", ".=..x.", "..=...", "...=..", ".x..=.", ".....="},
		ActorFreshness: {"......", "=.....", ".=..xx", "..=...", "...=..", "....=.", ".....="},
		ActorAppeal:    {"......", "=.....", ".=....", ".x=...", ".x.=..", ".x..=.", ".....="},
	}
	for actor, m := range cases {
		for i, f := range from {
			for j, to := range Statuses() {
				err := CheckMove(f, to, actor)
				switch m[i][j] {
				case 'x':
					if err != nil {
						t.Errorf("%s: %q → %s refused: %v", actor, f, to, err)
					}
				case '.':
					if !errors.Is(err, ErrForbidden) {
						t.Errorf("%s: %q → %s: %v, want forbidden", actor, f, to, err)
					}
				case '=':
					if !errors.Is(err, ErrInvalid) {
						t.Errorf("%s: %q → %s: %v, want invalid", actor, f, to, err)
					}
				}
			}
		}
	}
	if err := CheckMove(Approved, "deleted", ActorModerator); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown status: %v", err)
	}
}

func TestFreshness(t *testing.T) {
	f := policy.Default().Freshness
	day := 24 * time.Hour
	created := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name             string
		confirmed        time.Time
		at               time.Duration
		penalty, stale   bool
		wantSinceFromCnf bool
	}{
		{"day 6", time.Time{}, 6*day + 23*time.Hour, false, false, false},
		{"day 7", time.Time{}, 7 * day, true, false, false},
		{"day 20", time.Time{}, 20*day + 23*time.Hour, true, false, false},
		{"day 21", time.Time{}, 21 * day, true, true, false},
		{"reconfirmed on day 10", created.Add(10 * day), 16 * day, false, false, true},
		{"reconfirmed on day 10, day 31", created.Add(10 * day), 31 * day, true, true, true},
	}
	for _, c := range cases {
		got := FreshnessOf(f, created, c.confirmed, created.Add(c.at))
		if got.RankingPenalty != c.penalty || got.Stale != c.stale || got.Since.Equal(c.confirmed) != c.wantSinceFromCnf {
			t.Errorf("%s: %+v", c.name, got)
		}
	}
	if StaleStatus(f) != Paused {
		t.Error("default stale action hides (pauses)")
	}
	f.StaleAction = "expire"
	if StaleStatus(f) != Expired {
		t.Error("expire")
	}
}

func TestAreaKeepsTheAddressPrivate(t *testing.T) {
	loc := &event.Location{Street: "Hafenstraße 7", Postcode: "20457", City: "Hamburg", Country: "DE"}
	a := AreaOf(loc, 3)
	if a != (Area{PostcodePrefix: "204", City: "Hamburg", Country: "DE"}) {
		t.Fatalf("area: %+v", a)
	}
	if a := AreaOf(&event.Location{Postcode: "204"}, 3); a.PostcodePrefix != "" {
		t.Errorf("a postcode no longer than the prefix is withheld: %+v", a)
	}
	if a := AreaOf(loc, 0); a.PostcodePrefix != "" {
		t.Errorf("no postcode with 0 characters: %+v", a)
	}
	if a := AreaOf(nil, 3); a != (Area{}) {
		t.Errorf("no location: %+v", a)
	}
}

func TestLevels(t *testing.T) {
	cases := []struct {
		verified []string
		want     string
		next     []string
	}{
		{nil, LevelNone, []string{"email", "terms"}},
		{[]string{"email"}, LevelNone, []string{"terms"}},
		{[]string{"email", "terms"}, LevelBasic, []string{"identity"}},
		{[]string{"email", "terms", "identity"}, LevelIdentity, []string{"business"}},
		{[]string{"email", "terms", "identity", "business", "address"}, LevelBusiness, []string{"bank"}},
		{[]string{"email", "terms", "identity", "business", "address", "bank"}, LevelEnhanced, nil},
		// Identity lapsed: back to basic, whatever else is verified.
		{[]string{"email", "terms", "business", "address", "bank"}, LevelBasic, []string{"identity"}},
	}
	for _, c := range cases {
		got := LevelOf(c.verified)
		if got.Level != c.want || !slices.Equal(got.Next, c.next) {
			t.Errorf("%v: %+v", c.verified, got)
		}
	}
	if l := LevelOf([]string{"email", "terms", "identity", "business", "address", "bank"}); l.Badge != "gold" || !slices.Contains(l.Benefits, "lowest_commission") {
		t.Errorf("enhanced: %+v", l)
	}
	tl := TrustLevels([]string{"email", "phone"}, true, true)
	if len(tl) != 2 || tl[0].Level != ContactVerified {
		t.Fatalf("trust levels: %+v", tl)
	}
	for _, l := range tl {
		if l.Level == PropertyChecked && !strings.Contains(l.Description, "not a guarantee") {
			t.Errorf("property checked claims too much: %q", l.Description)
		}
	}
	if tl := TrustLevels([]string{"email", "phone"}, false, false); len(tl) != 0 {
		t.Errorf("contact verified without a person's approval: %+v", tl)
	}
}
