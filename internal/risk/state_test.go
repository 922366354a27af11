package risk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/vigil-ts/vigil/internal/event"
)

// randomEvents returns n distinct events about me and others, of every
// type Apply reads, spread over 600 days at whole hours so that many share
// a timestamp and retention and the evidence cap both come into play.
func randomEvents(t testing.TB, r *rand.Rand, n int) []event.Event {
	b := newBuilder(t)
	pick := func(v ...string) string { return v[r.IntN(len(v))] }
	for range n {
		when := at(float64(r.IntN(600*24)) / 24)
		if r.IntN(3) == 0 { // a dense stretch, to fill an evidence list past the cap
			when = at(550 + float64(r.IntN(48))/24)
			if r.IntN(2) == 0 {
				b.add("payment.failed", when, map[string]any{"account_id": me})
				continue
			}
		}
		order := func() map[string]any {
			buyer, seller := me, "acc-"+pick("x", "y")
			if r.IntN(2) == 0 {
				buyer, seller = seller, buyer
			}
			d := map[string]any{"order_id": fmt.Sprint("o", r.IntN(80)), "buyer_id": buyer, "seller_id": seller,
				"amount": map[string]any{"amount": r.IntN(100000), "currency": pick("EUR", "USD")}}
			if r.IntN(2) == 0 {
				d["tracking_number"] = "T1"
			}
			return d
		}
		switch k := r.IntN(12); k {
		case 0:
			d := map[string]any{"account_id": me, "kind": "private", "country": pick("DE", "FR", ""), "id_country": pick("DE", "NG", "")}
			if r.IntN(2) == 0 {
				d["email"] = pick("a@example.com", "b@mailinator.com")
			}
			if r.IntN(2) == 0 {
				d["registered_at"] = at(float64(r.IntN(100)))
			}
			b.add("account.upserted", when, d)
		case 1:
			b.add("verification.changed", when, map[string]any{"account_id": me, "kind": pick("phone", "payment", "identity"), "status": pick("verified", "lapsed", "failed")})
		case 2:
			b.add(pick("payment.failed", "chargeback.received", "dmca.accepted", "hijack.incident", "login"), when, map[string]any{"account_id": me})
		case 3:
			b.add("listing.upserted", when, map[string]any{"listing_id": fmt.Sprint("l", r.IntN(30)), "account_id": me, "title": "t",
				"price": map[string]any{"amount": 100, "currency": "EUR"}, "category": "c"})
		case 4:
			b.add("listing.rejected_prescreen", when, map[string]any{"listing_id": fmt.Sprint("l", r.IntN(30)), "account_id": me})
		case 5:
			author, subject := "acc-x", me
			if r.IntN(3) == 0 {
				author, subject = me, "acc-x"
			}
			b.add("review.submitted", when, map[string]any{"review_id": fmt.Sprint("r", b.n), "order_id": "o", "author_id": author, "subject_id": subject, "rating": 1 + r.IntN(5), "text": "x"})
		case 6:
			b.add("shipment.late", when, map[string]any{"order_id": fmt.Sprint("o", r.IntN(80)), "seller_id": me, "days_late": 1})
		case 7:
			b.add("message.sent", when, map[string]any{"message_id": "m", "conversation_id": "c", "sender_id": me, "recipient_id": "acc-x", "text": "hi"})
		default:
			b.add("order."+pick(event.OrderStatuses()...), when, order())
		}
	}
	return b.evs
}

// Applying the same events in any order gives the same state, so that
// ingestion (arrival order) and a full recompute (store order) agree; the
// signals evaluated from it agree too.
func TestApplyIsOrderIndependent(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			evs := randomEvents(t, r, 1500)
			want := stateOf(me, evs)
			wantJSON, err := json.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			expired := slices.ContainsFunc(evs, func(ev event.Event) bool { return ev.OccurredAt.Before(want.Last.At.Add(-Retention)) })
			if len(want.PaymentFailures) != MaxEvidence || !expired {
				t.Fatal("the generator does not exercise the cap and retention")
			}
			c := Context{Now: at(560), Currency: "EUR", Disposable: true}
			wantSignals := Evaluate(want, c, defaults())
			for range 10 {
				shuffled := append([]event.Event(nil), evs...)
				r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				got := stateOf(me, shuffled)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("state depends on the order of events:\n%s\nvs\n%s", mustJSON(t, got), wantJSON)
				}
				if b := mustJSON(t, got); !bytes.Equal(b, wantJSON) {
					t.Fatalf("JSON differs")
				}
				if !reflect.DeepEqual(Evaluate(got, c, defaults()), wantSignals) {
					t.Fatal("signals depend on the order of events")
				}
			}
		})
	}
}

// A state stored as JSON and read back goes on exactly as the one kept in
// memory.
func TestStateJSONRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	evs := randomEvents(t, r, 1000)
	want := stateOf(me, evs)
	half := stateOf(me, evs[:500])
	var stored State
	if err := json.Unmarshal(mustJSON(t, half), &stored); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&stored, half) {
		t.Fatalf("round trip changed the state:\n%s\nvs\n%s", mustJSON(t, &stored), mustJSON(t, half))
	}
	for _, ev := range evs[500:] {
		for _, tc := range Touches(ev) {
			if tc.AccountID == me {
				stored.Apply(ev, tc.Role)
			}
		}
	}
	if !reflect.DeepEqual(&stored, want) {
		t.Error("a stored state continued differs from one kept in memory")
	}
}

// Evidence older than Retention before the newest event goes, whatever the
// order; a list that empties is nil, as if never filled; a list keeps the
// MaxEvidence newest entries.
func TestStateRetentionAndCap(t *testing.T) {
	old := newBuilder(t).signal("payment.failed", 0).signal("login", 401).evs
	for _, evs := range [][]event.Event{old, {old[1], old[0]}} {
		s := stateOf(me, evs)
		if s.PaymentFailures != nil {
			t.Errorf("evidence older than retention kept: %v", s.PaymentFailures)
		}
		if !s.First.At.Equal(at(0)) || !s.Last.At.Equal(at(401)) {
			t.Errorf("first %v, last %v", s.First.At, s.Last.At)
		}
	}
	kept := newBuilder(t).signal("payment.failed", 2).signal("login", 401).evs
	if s := stateOf(me, kept); len(s.PaymentFailures) != 1 {
		t.Errorf("evidence within retention dropped")
	}

	b := newBuilder(t).repeat(MaxEvidence+50, func(b *builder, i int) { b.signal("payment.failed", float64(i)/24) })
	s := stateOf(me, b.evs)
	if len(s.PaymentFailures) != MaxEvidence || s.PaymentFailures[0].EventID != b.evs[50].ID || s.PaymentFailures[MaxEvidence-1].EventID != b.evs[len(b.evs)-1].ID {
		t.Errorf("cap keeps %d entries from %s to %s", len(s.PaymentFailures), s.PaymentFailures[0].EventID, s.PaymentFailures[len(s.PaymentFailures)-1].EventID)
	}
}

// What Apply records, by event and role.
func TestApplyRecords(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *builder)
		check func(s *State) bool
	}{
		{"registered_at is the first seen date", func(b *builder) { b.signal("login", 5).register(-30, nil) }, func(s *State) bool { return s.FirstSeen().Equal(at(-30)) }},
		{"without it, the first event", func(b *builder) { b.signal("login", 5).signal("login", 2) }, func(s *State) bool { return s.FirstSeen().Equal(at(2)) }},
		{"email domain, lower case", func(b *builder) { b.register(0, map[string]any{"email": "Jo@Example.COM"}) }, func(s *State) bool { return s.EmailDomain.Value == "example.com" }},
		{"latest statement wins", func(b *builder) {
			b.add("account.upserted", at(5), map[string]any{"account_id": me, "kind": "private", "country": "FR"}).register(0, map[string]any{"country": "DE"})
		}, func(s *State) bool { return s.Country.Value == "FR" }},
		{"an absent field keeps the value", func(b *builder) {
			b.register(0, map[string]any{"country": "DE"}).add("account.upserted", at(5), map[string]any{"account_id": me, "kind": "private"})
		}, func(s *State) bool { return s.Country.Value == "DE" }},
		{"buyer's orders and refunds", func(b *builder) {
			b.order("created", 1, RoleBuyer, "o1", 100, nil).order("refunded", 2, RoleBuyer, "o1", 100, nil).order("created", 3, RoleSeller, "o2", 100, nil)
		}, func(s *State) bool {
			return s.OrdersAsBuyer == 1 && s.RefundsAsBuyer == 1 && s.OrdersAsSeller == 1 && len(s.Purchases) == 1 && len(s.BuyerOrders) == 1
		}},
		{"paid orders are purchases", func(b *builder) { b.order("paid", 1, RoleBuyer, "o1", 100, nil) }, func(s *State) bool { return len(s.Purchases) == 1 && s.Purchases[0].Amount == 100 }},
		{"a review written is not a review received", func(b *builder) {
			b.add("review.submitted", at(1), map[string]any{"review_id": "r", "order_id": "o", "author_id": me, "subject_id": "acc-x", "rating": 5, "text": "x"})
		}, func(s *State) bool { return s.ReviewsReceived == 0 && s.FiveStarReviews == nil && !s.First.At.IsZero() }},
		{"reviews received", func(b *builder) { b.review(1, 5).review(2, 4).review(3, 1) }, func(s *State) bool {
			return s.ReviewsReceived == 3 && s.ReviewsPositive == 2 && len(s.FiveStarReviews) == 1
		}},
		{"a seller's dispute", func(b *builder) { b.order("disputed", 1, RoleSeller, "o1", 100, nil) }, func(s *State) bool { return s.DisputesAsSeller == 1 && len(s.Disputes) == 1 }},
		{"a buyer's dispute is not the seller's", func(b *builder) { b.order("disputed", 1, RoleBuyer, "o1", 100, nil) }, func(s *State) bool { return s.DisputesAsSeller == 0 }},
		{"the version", func(b *builder) { b.signal("login", 1) }, func(s *State) bool { return s.Version == StateVersion }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBuilder(t)
			tt.build(b)
			if s := stateOf(me, b.evs); !tt.check(s) {
				t.Errorf("state: %s", mustJSON(t, s))
			}
		})
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
