// Package compliancetest seeds a marketplace with a known set of
// automated decisions and the people's judgements of them, through the
// real services, for the tests of the feedback loop (R-C6): the
// labelled-data export and the rules' precision, in the compliance
// service, the API, the CLI and the console.
package compliancetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/store"
)

// Policy is the seeded marketplace's policy: a live rule holding
// expensive listings for review, a shadow rule that would reject vintage
// ones, a prohibited category, and no image requirement.
const Policy = `listing:
  min_images: 0
  prohibited_categories: [weapons]
rules:
  - name: pricey
    check: listing
    expr: listing.price > 500000
    outcome: pending_review
    severity: medium
    clause: "§4 High-value listings are reviewed"
  - name: vintage_reject
    check: listing
    expr: listing.title.startsWith('Vintage')
    outcome: rejected
    severity: high
    clause: "Trial: vintage goods"
    shadow: true
`

// The seed's rules.
const (
	LiveRule   = "pricey"
	ShadowRule = "vintage_reject"
)

// Phone is the phone number in the seeded message: the export must never
// carry it.
const Phone = "0151 23456789"

// Street is the street of the seeded listings: the export must never
// carry it either.
const Street = "Geheimweg 7"

// Services are the real services the seed goes through, wired as the app
// wires them: the checks hold for the cases service, whose listing moves
// and the appeals' restorations go through Listings. Checks must have the
// real text detectors, which find the seeded message's phone number.
type Services struct {
	DB       *store.DB
	Policies *check.Policies
	Checks   *check.Service
	Cases    *cases.Service
	Appeals  *appeal.Service
	Listings *listing.Service
	// Now is the services' clock; Advance moves it on (nil: the clock is
	// real, and the seed waits a little between steps instead).
	Now     func() time.Time
	Advance func(time.Duration)
}

// Want is a seeded decision's expected label.
type Want struct {
	// Label is compliance.Upheld or compliance.Overturned; "" for a
	// decision nobody judged.
	Label string
	// Violation is what the person found.
	Violation bool
	// By are the sources of its judgements, oldest first.
	By []string
}

// Seeded is what the seed made.
type Seeded struct {
	// From is the period's start: after the one decision made before it.
	From time.Time
	// IDs are the decisions' ids by the seed's name for them; Want their
	// expected labels by id.
	IDs  map[string]string
	Want map[string]Want
	// Old is the decision made before From.
	Old string
}

// Expected figures of the seed's period (see Seed).
const (
	// Decisions is how many decisions the period has; Judged how many a
	// person judged.
	Decisions = 13
	Judged    = 10
)

// Seed makes, in marketplace mp:
//
// before From, a held listing a moderator approved (old); then
//   - held1..held3: held by the live rule; a moderator approves held1
//     (overturned) and removes held2 (upheld) and held3, whose removal an
//     appeal reverses (overturned);
//   - weapon1, weapon2: rejected for a prohibited category; appeals
//     against the decisions maintain weapon1 (upheld) and reverse
//     weapon2 (overturned);
//   - vintage1..vintage3: approved, the shadow rule firing; a report on
//     vintage1 ends with the listing removed (overturned: the listing was
//     let through), one on vintage2 is dismissed (upheld); vintage3 is
//     never judged;
//   - direct: approved, then rejected by a moderator outside any case
//     (overturned);
//   - super1, super2: two versions of one listing, the first held by the
//     live rule, the second approved before the case was dismissed: the
//     case judges super2 (upheld), and super1 is never judged;
//   - message: a message with a phone number, masked, reported and
//     resolved (upheld);
//   - plain: approved, never judged.
//
// So the live rule has 4 hits, 3 judged, 1 upheld; the shadow rule
// (would have done: rejected) 3 hits, 2 judged, 1 upheld, and would have
// changed all 3 decisions; category.prohibited 2 judged, 1 upheld;
// contact.phone 1 judged, upheld.
func Seed(t testing.TB, s Services, mp string) Seeded {
	t.Helper()
	ctx := t.Context()
	step := func() {
		if s.Advance != nil {
			s.Advance(time.Minute)
		} else {
			time.Sleep(2 * time.Millisecond)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	system := audit.Actor{Type: audit.ActorSystem, ID: "labels-seed"}
	if _, err := s.Policies.Save(ctx, system, mp, Policy, 0); err != nil {
		t.Fatalf("seed policy: %v", err)
	}
	user := func(role string) store.User {
		u := store.User{ID: "u-labels-" + role + "-" + mp, MarketplaceID: mp, Username: "labels-" + role + "-" + mp, Role: role, CreatedAt: s.Now()}
		must(s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }))
		return u
	}
	mod := cases.Moderator{User: user("agent"), Via: system}
	reviewer := appeal.Reviewer{User: user(appeal.ReviewerRole)}
	seeded := Seeded{IDs: map[string]string{}, Want: map[string]Want{}}
	want := func(name, label string, violation bool, by ...string) {
		seeded.Want[seeded.IDs[name]] = Want{Label: label, Violation: violation, By: by}
	}

	// Each listing's description is its own, so that none copies another
	// seller's.
	words := []string{"amber", "birch", "cobalt", "dune", "ember", "fjord", "garnet", "harbour", "indigo", "juniper", "kestrel", "lagoon",
		"meadow", "nectar", "orchid", "pebble", "quartz", "russet", "saffron", "tundra"}
	n := 0
	list := func(name, listingID, title, category string, price int64) check.Decided {
		t.Helper()
		desc := title + "."
		for i := range 6 {
			desc += " " + words[(n*7+i*3)%len(words)] + fmt.Sprint(n*10+i)
		}
		n++
		data, _ := json.Marshal(map[string]any{"listing_id": listingID, "account_id": "seller-" + listingID, "title": title,
			"description": desc,
			"price":       map[string]any{"amount": price, "currency": "EUR"}, "category": category,
			"location": map[string]any{"street": Street, "postcode": "20457", "city": "Hamburg", "country": "DE"}})
		d, err := s.Checks.Listing(ctx, mp, system, data, "")
		must(err)
		seeded.IDs[name] = d.DecisionID
		step()
		return d
	}
	caseOf := func(typ, id string) string {
		t.Helper()
		c, err := s.DB.OpenCaseFor(ctx, mp, typ, id)
		if err != nil {
			t.Fatalf("the case on %s %s: %v", typ, id, err)
		}
		return c.ID
	}
	act := func(caseID, action string) {
		t.Helper()
		_, err := s.Cases.Act(ctx, mp, mod, caseID, cases.ActionRequest{Action: action, Resolution: "Checked against the marketplace's rules."})
		must(err)
		step()
	}
	report := func(typ, id string) string {
		t.Helper()
		f, err := s.Cases.File(ctx, mp, system, cases.ReportRequest{Target: cases.Target{Type: typ, ID: id}, Reason: "scam_or_fraud",
			Details: "Seen on the marketplace today.", Reporter: cases.ReporterRef{ID: "reporter-" + id, Type: "user"}}, "")
		must(err)
		step()
		return f.CaseID
	}
	appealed := func(accountID, typ, id, outcome string) {
		t.Helper()
		a, err := s.Appeals.File(ctx, mp, system, appeal.Filing{AccountID: accountID,
			RootCause:          "The listing was judged by an automated rule that got it wrong.",
			CorrectiveAction:   "I checked the listing against every rule of the marketplace.",
			PreventiveMeasures: "I read the rules before listing anything new from now on.",
			Decision:           &appeal.Ref{Type: typ, ID: id}}, "")
		must(err)
		step()
		_, err = s.Appeals.Decide(ctx, mp, reviewer, a.ID, appeal.Review{Outcome: outcome, Reply: "We looked at the listing again in full."})
		must(err)
		step()
	}

	old := list("old", "l-old", "Espresso machine, barely used", "kitchen", 900000)
	act(caseOf("listing", "l-old"), cases.ActApprove)
	seeded.Old = old.DecisionID
	step()
	seeded.From = s.Now()
	step()

	for i := 1; i <= 3; i++ {
		if d := list(fmt.Sprint("held", i), fmt.Sprint("l-held", i), fmt.Sprint("Grand piano model ", i), "music", 900000+int64(i)); d.Outcome != "pending_review" {
			t.Fatalf("held%d: %s, want pending_review", i, d.Outcome)
		}
	}
	act(caseOf("listing", "l-held1"), cases.ActApprove)
	want("held1", "overturned", false, store.JudgedByCase)
	act(caseOf("listing", "l-held2"), cases.ActRemoveContent)
	want("held2", "upheld", true, store.JudgedByCase)
	held3 := caseOf("listing", "l-held3")
	act(held3, cases.ActRemoveContent)
	appealed("seller-l-held3", appeal.SubjectCase, held3, appeal.Reverse)
	want("held3", "overturned", false, store.JudgedByCase, store.JudgedByAppeal)

	for i := 1; i <= 2; i++ {
		if d := list(fmt.Sprint("weapon", i), fmt.Sprint("l-weapon", i), fmt.Sprint("Hunting knife no. ", i), "weapons", 5000); d.Outcome != "rejected" {
			t.Fatalf("weapon%d: %s, want rejected", i, d.Outcome)
		}
	}
	appealed("seller-l-weapon1", appeal.SubjectDecision, seeded.IDs["weapon1"], appeal.Maintain)
	want("weapon1", "upheld", true, store.JudgedByAppeal)
	appealed("seller-l-weapon2", appeal.SubjectDecision, seeded.IDs["weapon2"], appeal.Reverse)
	want("weapon2", "overturned", false, store.JudgedByAppeal)

	for i := 1; i <= 3; i++ {
		if d := list(fmt.Sprint("vintage", i), fmt.Sprint("l-vintage", i), fmt.Sprint("Vintage lamp from the year 19", 60+i), "home", 4000); d.Outcome != "approved" {
			t.Fatalf("vintage%d: %s, want approved (the shadow rule must not act)", i, d.Outcome)
		}
	}
	act(report("listing", "l-vintage1"), cases.ActRemoveContent)
	want("vintage1", "overturned", true, store.JudgedByCase)
	act(report("listing", "l-vintage2"), cases.ActDismiss)
	want("vintage2", "upheld", false, store.JudgedByCase)
	want("vintage3", "", false)

	list("direct", "l-direct", "Mountain bike, 21 gears", "bikes", 30000)
	must(s.Listings.Move(ctx, mp, audit.Actor{Type: audit.ActorUser, ID: mod.User.ID}, "l-direct", listing.Move{To: listing.Rejected,
		Actor: listing.ActorModerator, ActorID: mod.User.ID, Reason: "Stolen goods, as the police told us."}))
	step()
	want("direct", "overturned", true, store.JudgedByListingMove)

	list("super1", "l-super", "Sailing boat, 6 metres", "boats", 950000)
	superCase := caseOf("listing", "l-super")
	list("super2", "l-super", "Sailing boat, 6 metres, new sails", "boats", 450000)
	act(superCase, cases.ActDismiss)
	want("super1", "", false)
	want("super2", "upheld", false, store.JudgedByCase)

	data, _ := json.Marshal(map[string]any{"message_id": "m-1", "conversation_id": "conv-1", "sender_id": "sender-1", "recipient_id": "buyer-1",
		"text": "Hello! Call me on " + Phone + " tonight."})
	m, err := s.Checks.Message(ctx, mp, system, data, "")
	must(err)
	if m.Outcome != "mask" {
		t.Fatalf("message: %s, want mask", m.Outcome)
	}
	seeded.IDs["message"] = m.DecisionID
	step()
	act(report("message", "m-1"), cases.ActResolve)
	want("message", "upheld", true, store.JudgedByCase)

	list("plain", "l-plain", "Children's bicycle helmet", "bikes", 2500)
	want("plain", "", false)
	return seeded
}
