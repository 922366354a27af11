package risk

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/policy"
)

// me is the account under test in signal tests.
const me = "acc-me"

// at is a fixed test time plus n days.
func at(days float64) time.Time {
	return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(days * 24 * float64(time.Hour)))
}

// builder makes valid events (through event.Parse, as ingestion does) with
// sequential ids.
type builder struct {
	t   testing.TB
	n   int
	evs []event.Event
}

func newBuilder(t testing.TB) *builder { return &builder{t: t} }

func (b *builder) add(typ string, when time.Time, data map[string]any) *builder {
	b.t.Helper()
	b.n++
	raw, err := json.Marshal(data)
	if err != nil {
		b.t.Fatal(err)
	}
	ev, err := event.Parse(event.Envelope{ID: fmt.Sprintf("ev-%04d", b.n), Type: typ, OccurredAt: when, Data: raw}, when)
	if err != nil {
		b.t.Fatalf("%s: %v", typ, err)
	}
	b.evs = append(b.evs, ev)
	return b
}

// register upserts me, registered at day d, with extra fields.
func (b *builder) register(d float64, extra map[string]any) *builder {
	data := map[string]any{"account_id": me, "kind": "private", "registered_at": at(d)}
	for k, v := range extra {
		data[k] = v
	}
	return b.add("account.upserted", at(d), data)
}

func (b *builder) signal(typ string, d float64) *builder {
	return b.add(typ, at(d), map[string]any{"account_id": me})
}

// order adds order.<status> with me as buyer or seller.
func (b *builder) order(status string, d float64, role Role, orderID string, amount int64, extra map[string]any) *builder {
	buyer, seller := "acc-other", "acc-other"
	if role == RoleBuyer {
		buyer = me
	} else {
		seller = me
	}
	data := map[string]any{"order_id": orderID, "buyer_id": buyer, "seller_id": seller, "amount": map[string]any{"amount": amount, "currency": "EUR"}}
	for k, v := range extra {
		data[k] = v
	}
	return b.add("order."+status, at(d), data)
}

func (b *builder) review(d float64, rating int) *builder {
	id := fmt.Sprintf("r%d", b.n+1) // a distinct review and order per review
	return b.add("review.submitted", at(d), map[string]any{"review_id": id, "order_id": "o" + id, "author_id": "acc-other", "subject_id": me, "rating": rating, "text": "fine"})
}

func (b *builder) verify(d float64, kind, status string) *builder {
	return b.add("verification.changed", at(d), map[string]any{"account_id": me, "kind": kind, "status": status})
}

func (b *builder) listing(d float64, id string) *builder {
	return b.add("listing.upserted", at(d), map[string]any{"listing_id": id, "account_id": me, "title": "Bike", "description": "A bike", "price": map[string]any{"amount": 10000, "currency": "EUR"}, "category": "bikes"})
}

func (b *builder) late(d float64, orderID string) *builder {
	return b.add("shipment.late", at(d), map[string]any{"order_id": orderID, "seller_id": me, "days_late": 3})
}

func (b *builder) prescreen(d float64, listingID string) *builder {
	return b.add("listing.rejected_prescreen", at(d), map[string]any{"listing_id": listingID, "account_id": me})
}

// repeat calls f n times with i = 0..n-1.
func (b *builder) repeat(n int, f func(b *builder, i int)) *builder {
	for i := range n {
		f(b, i)
	}
	return b
}

// stateOf applies the events to account's state in the order given.
func stateOf(account string, evs []event.Event) *State {
	s := &State{}
	for _, ev := range evs {
		for _, t := range Touches(ev) {
			if t.AccountID == account {
				s.Apply(ev, t.Role)
			}
		}
	}
	return s
}

func defaults() policy.Risk { return policy.Default().Risk }

// find returns the named signal.
func find(t testing.TB, sigs []Signal, name string) Signal {
	t.Helper()
	for _, s := range sigs {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no signal %q", name)
	return Signal{}
}
