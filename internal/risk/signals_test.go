package risk

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/vigil-ts/vigil/internal/policy"
)

// Each signal fires one past its threshold, not at it, stops when its
// window has passed, and does not fire on missing data (R-P1). The
// thresholds are the defaults of policy.Default.
func TestSignals(t *testing.T) {
	n := func(k int, f func(b *builder, i int)) func(*builder) {
		return func(b *builder) { b.register(0, nil).repeat(k, f) }
	}
	failures := func(k int) func(*builder) {
		return n(k, func(b *builder, i int) { b.signal("payment.failed", 10+float64(i)/24) })
	}
	refunds := func(orders, refunded int) func(*builder) {
		return n(orders, func(b *builder, i int) {
			id := fmt.Sprint("o", i)
			b.order("created", 1+float64(i), RoleBuyer, id, 1000, nil)
			if i < refunded {
				b.order("refunded", 2+float64(i), RoleBuyer, id, 1000, nil)
			}
		})
	}
	disputes := func(orders, disputed int) func(*builder) {
		return n(orders, func(b *builder, i int) {
			id := fmt.Sprint("o", i)
			b.order("created", 1+float64(i)/4, RoleSeller, id, 1000, nil)
			if i < disputed {
				b.order("disputed", 2+float64(i)/4, RoleSeller, id, 1000, nil)
			}
		})
	}
	purchase := func(day float64, amount int64, currency string) func(*builder) {
		return func(b *builder) {
			b.register(0, nil).add("order.created", at(day), map[string]any{"order_id": "o1", "buyer_id": me, "seller_id": "s", "amount": map[string]any{"amount": amount, "currency": currency}})
		}
	}
	chargebacks := func(k int) func(*builder) {
		return n(k, func(b *builder, i int) { b.signal("chargeback.received", 10+float64(i)*20) })
	}
	fiveStars := func(k int, spacingHours float64) func(*builder) {
		return n(k, func(b *builder, i int) { b.review(10+float64(i)*spacingHours/24, 5) })
	}
	listings := func(k int, start float64) func(*builder) {
		return n(k, func(b *builder, i int) { b.listing(start+float64(i)/48, fmt.Sprint("l", i)) })
	}
	reviews := func(total, positive int) func(*builder) {
		return n(total, func(b *builder, i int) {
			rating := 2
			if i < positive {
				rating = 4 + i%2
			}
			b.review(1+float64(i), rating)
		})
	}
	link := func(l Link) func(*Context) { return func(c *Context) { c.Links = append(c.Links, l) } }
	suspendedPeer := func(since float64, kind string, conf float64) func(*Context) {
		return link(Link{AccountID: "acc-old", Kind: kind, Confidence: conf, PeerScore: 90, PeerSuspended: true, PeerSince: at(since)})
	}

	tests := []struct {
		signal, name string
		events       func(*builder)
		ctx          func(*Context)
		now          float64 // day of evaluation
		fired        bool
		strength     float64 // checked when not 0
	}{
		{"email.disposable", "disposable domain", func(b *builder) { b.register(0, map[string]any{"email": "x@Mailinator.com"}) }, func(c *Context) { c.Disposable = true }, 1, true, 1},
		{"email.disposable", "ordinary domain", func(b *builder) { b.register(0, map[string]any{"email": "x@example.com"}) }, nil, 1, false, 0},
		{"email.disposable", "no email known", func(b *builder) { b.register(0, nil) }, func(c *Context) { c.Disposable = true }, 1, false, 0},

		{"ip.accounts_per_hour", "4 accounts", nil, func(c *Context) { c.IPBurst = []string{"a", "b", "c", "d"} }, 0, true, 1},
		{"ip.accounts_per_hour", "3 accounts", nil, func(c *Context) { c.IPBurst = []string{"a", "b", "c"} }, 0, false, 0},
		{"ip.accounts_per_hour", "duplicates counted once", nil, func(c *Context) { c.IPBurst = []string{"a", "b", "c", "c"} }, 0, false, 0},

		{"account.duplicate", "shared email", nil, link(Link{AccountID: "p", Kind: "email", Confidence: 0.95}), 0, true, 0.95},
		{"account.duplicate", "shared address, at the minimum", nil, link(Link{AccountID: "p", Kind: "address", Confidence: 0.6}), 0, true, 0.6},
		{"account.duplicate", "shared IP alone", nil, link(Link{AccountID: "p", Kind: "ip", Confidence: 0.3}), 0, false, 0},
		{"account.duplicate", "confirmed by a person", nil, link(Link{AccountID: "p", Kind: "confirmed", Confidence: 0.3, Confirmed: true}), 0, true, 1},

		{"account.age", "10 days old", func(b *builder) { b.register(0, nil) }, nil, 10, true, 2.0 / 3},
		{"account.age", "just registered", func(b *builder) { b.register(0, nil) }, nil, 0, true, 1},
		{"account.age", "at the horizon", func(b *builder) { b.register(0, nil) }, nil, 30, false, 0},
		{"account.age", "registered before the first event", func(b *builder) {
			b.add("account.upserted", at(20), map[string]any{"account_id": me, "kind": "private", "registered_at": at(-100)})
		}, nil, 20, false, 0},
		{"account.age", "first event stands in", func(b *builder) { b.signal("login", 5) }, nil, 20, true, 0.5},

		{"country.mismatch", "DE and FR", func(b *builder) { b.register(0, map[string]any{"country": "DE", "id_country": "FR"}) }, nil, 1, true, 1},
		{"country.mismatch", "same country", func(b *builder) { b.register(0, map[string]any{"country": "DE", "id_country": "DE"}) }, nil, 1, false, 0},
		{"country.mismatch", "no ID country", func(b *builder) { b.register(0, map[string]any{"country": "DE"}) }, nil, 1, false, 0},
		{"country.mismatch", "ID country sent later", func(b *builder) {
			b.register(0, map[string]any{"country": "DE"}).add("account.upserted", at(3), map[string]any{"account_id": me, "kind": "private", "id_country": "NG"})
		}, nil, 4, true, 1},

		{"account.shadow_profile", "new account of a suspended seller", func(b *builder) { b.register(0, nil) }, suspendedPeer(-5, "device", 0.85), 1, true, 1},
		{"account.shadow_profile", "peer suspended later", func(b *builder) { b.register(0, nil) }, suspendedPeer(5, "device", 0.85), 6, false, 0},
		{"account.shadow_profile", "only a shared IP", func(b *builder) { b.register(0, nil) }, suspendedPeer(-5, "ip", 0.3), 1, false, 0},
		{"account.shadow_profile", "age unknown", nil, suspendedPeer(-5, "device", 0.85), 1, false, 0},

		{"payment.failures", "4 failures", failures(4), nil, 11, true, 1},
		{"payment.failures", "3 failures", failures(3), nil, 11, false, 0},
		{"payment.failures", "4 failures, window passed", failures(4), nil, 41, false, 0},

		{"refund.rate", "4 of 10 refunded", refunds(10, 4), nil, 20, true, 1},
		{"refund.rate", "3 of 10 refunded", refunds(10, 3), nil, 20, false, 0},
		{"refund.rate", "too few orders", refunds(4, 4), nil, 20, false, 0},

		{"dispute.rate", "2 of 20 disputed", disputes(20, 2), nil, 20, true, 1},
		{"dispute.rate", "1 of 20 disputed", disputes(20, 1), nil, 20, false, 0},
		{"dispute.rate", "too few sales", disputes(4, 4), nil, 20, false, 0},

		{"purchase.high_value_new_account", "EUR 500.01 on day 1", purchase(1, 50001, "EUR"), nil, 2, true, 1},
		{"purchase.high_value_new_account", "EUR 500.00", purchase(1, 50000, "EUR"), nil, 2, false, 0},
		{"purchase.high_value_new_account", "account no longer new", purchase(7, 90000, "EUR"), nil, 8, false, 0},
		{"purchase.high_value_new_account", "window passed", purchase(1, 90000, "EUR"), nil, 32, false, 0},
		{"purchase.high_value_new_account", "another currency", purchase(1, 90000, "USD"), nil, 2, false, 0},
		{"purchase.high_value_new_account", "no policy currency", purchase(1, 90000, "EUR"), func(c *Context) { c.Currency = "" }, 2, false, 0},

		{"chargeback.pattern", "2 in 90 days", chargebacks(2), nil, 40, true, 1},
		{"chargeback.pattern", "1 chargeback", chargebacks(1), nil, 40, false, 0},
		{"chargeback.pattern", "window passed", chargebacks(2), nil, 121, false, 0},

		{"buyers.shared_payment", "2 buyers", nil, func(c *Context) { c.SharedBuyers = []string{"b1", "b2"} }, 0, true, 1},
		{"buyers.shared_payment", "1 buyer", nil, func(c *Context) { c.SharedBuyers = []string{"b1"} }, 0, false, 0},

		{"price.below_market", "one listing", nil, func(c *Context) { c.BelowMarket = []string{"dec-1"} }, 0, true, 1},
		{"price.below_market", "none", nil, nil, 0, false, 0},

		{"shipping.late", "one late shipment", n(1, func(b *builder, i int) { b.late(5, "o1") }), nil, 6, true, 0.2},
		{"shipping.late", "shipped without tracking", n(1, func(b *builder, i int) { b.order("shipped", 5, RoleSeller, "o1", 100, nil) }), nil, 6, true, 0.2},
		{"shipping.late", "shipped with tracking", n(1, func(b *builder, i int) {
			b.order("shipped", 5, RoleSeller, "o1", 100, map[string]any{"tracking_number": "TN1"})
		}), nil, 6, false, 0},
		{"shipping.late", "late and untracked counts once", n(1, func(b *builder, i int) {
			b.late(5, "o1").order("shipped", 5.5, RoleSeller, "o1", 100, nil)
		}), nil, 6, true, 0.2},
		{"shipping.late", "full at 5", n(6, func(b *builder, i int) { b.late(5, fmt.Sprint("o", i)) }), nil, 6, true, 1},
		{"shipping.late", "window passed", n(1, func(b *builder, i int) { b.late(5, "o1") }), nil, 36, false, 0},

		{"orders.cancelled", "one cancellation", n(1, func(b *builder, i int) { b.order("cancelled", 5, RoleSeller, "o1", 100, nil) }), nil, 6, true, 0.2},
		{"orders.cancelled", "as buyer", n(1, func(b *builder, i int) { b.order("cancelled", 5, RoleBuyer, "o1", 100, nil) }), nil, 6, false, 0},
		{"orders.cancelled", "window passed", n(1, func(b *builder, i int) { b.order("cancelled", 5, RoleSeller, "o1", 100, nil) }), nil, 36, false, 0},

		{"reviews.five_star_burst", "6 within 24h", fiveStars(6, 4), nil, 12, true, 1},
		{"reviews.five_star_burst", "5 within 24h", fiveStars(5, 4), nil, 12, false, 0},
		{"reviews.five_star_burst", "6 over 30 hours", fiveStars(6, 6), nil, 12, false, 0},
		{"reviews.five_star_burst", "window passed", fiveStars(6, 4), nil, 41, false, 0},
		{"reviews.five_star_burst", "four stars", n(6, func(b *builder, i int) { b.review(10+float64(i)/24, 4) }), nil, 12, false, 0},

		{"velocity", "6 listings on day one", listings(6, 0.1), nil, 0.5, true, 1},
		{"velocity", "5 listings on day one", listings(5, 0.1), nil, 0.5, false, 0},
		{"velocity", "day one's burst seen on day two", listings(6, 0.1), nil, 1.05, true, 1},
		{"velocity", "window passed", listings(6, 0.1), nil, 2, false, 0},
		{"velocity", "6 listings on day two", listings(6, 1.5), nil, 2, false, 0},
		{"velocity", "21 listings in the first week", listings(21, 3), nil, 3.5, true, 1},
		{"velocity", "one listing edited six times", n(6, func(b *builder, i int) { b.listing(0.1+float64(i)/48, "l1") }), nil, 0.5, false, 0},
		{"velocity", "4 orders on day one", n(4, func(b *builder, i int) {
			b.order("created", 0.1+float64(i)/48, RoleBuyer, fmt.Sprint("o", i), 100, nil)
		}), nil, 0.5, true, 1},
		{"velocity", "3 orders on day one", n(3, func(b *builder, i int) {
			b.order("created", 0.1+float64(i)/48, RoleBuyer, fmt.Sprint("o", i), 100, nil)
		}), nil, 0.5, false, 0},
		{"velocity", "old account", listings(60, 40), nil, 41, false, 0},

		{"dmca.accepted", "one takedown", n(1, func(b *builder, i int) { b.signal("dmca.accepted", 10) }), nil, 11, true, 1.0 / 3},
		{"dmca.accepted", "three takedowns", n(3, func(b *builder, i int) { b.signal("dmca.accepted", 10+float64(i)) }), nil, 20, true, 1},
		{"dmca.accepted", "12 months passed", n(1, func(b *builder, i int) { b.signal("dmca.accepted", 10) }), nil, 377, false, 0},

		{"hijack.incident", "one incident", n(1, func(b *builder, i int) { b.signal("hijack.incident", 10) }), nil, 11, true, 1},
		{"hijack.incident", "12 months passed", n(1, func(b *builder, i int) { b.signal("hijack.incident", 10) }), nil, 377, false, 0},

		{"listing.prescreen_rejections", "one rejection", n(1, func(b *builder, i int) { b.prescreen(5, "l1") }), nil, 6, true, 0.2},
		{"listing.prescreen_rejections", "window passed", n(1, func(b *builder, i int) { b.prescreen(5, "l1") }), nil, 36, false, 0},

		{"deals.completed", "one deal", n(1, func(b *builder, i int) { b.order("delivered", 5, RoleSeller, "o1", 100, nil) }), nil, 6, true, 0.05},
		{"deals.completed", "as buyer too", n(25, func(b *builder, i int) {
			b.order("delivered", 5, []Role{RoleBuyer, RoleSeller}[i%2], fmt.Sprint("o", i), 100, nil)
		}), nil, 6, true, 1},
		{"deals.completed", "no deal", n(1, func(b *builder, i int) {
			b.order("shipped", 5, RoleSeller, "o1", 100, map[string]any{"tracking_number": "T"})
		}), nil, 6, false, 0},

		{"feedback.positive", "5 of 5 positive", reviews(5, 5), nil, 10, true, 1},
		{"feedback.positive", "9 of 10 positive", reviews(10, 9), nil, 20, true, 1},
		{"feedback.positive", "8 of 10 positive", reviews(10, 8), nil, 20, false, 0},
		{"feedback.positive", "too few reviews", reviews(4, 4), nil, 10, false, 0},

		{"verified.phone", "verified", func(b *builder) { b.verify(1, "phone", "verified") }, nil, 2, true, 1},
		{"verified.phone", "lapsed later", func(b *builder) { b.verify(1, "phone", "verified").verify(3, "phone", "lapsed") }, nil, 4, false, 0},
		{"verified.phone", "verified again", func(b *builder) { b.verify(3, "phone", "verified").verify(1, "phone", "failed") }, nil, 4, true, 1},
		{"verified.payment", "bank verified", func(b *builder) { b.verify(1, "bank", "verified") }, nil, 2, true, 1},
		{"verified.payment", "pending", func(b *builder) { b.verify(1, "payment", "pending") }, nil, 2, false, 0},
		{"verified.id", "identity verified", func(b *builder) { b.verify(1, "identity", "verified") }, nil, 2, true, 1},
		{"verified.id", "only email", func(b *builder) { b.verify(1, "email", "verified") }, nil, 2, false, 0},

		{"account.tenure", "two years", func(b *builder) { b.register(0, nil) }, nil, 730, true, 1},
		{"account.tenure", "half a year", func(b *builder) { b.register(0, nil) }, nil, 182.5, true, 0.5},
		{"account.tenure", "just registered", func(b *builder) { b.register(0, nil) }, nil, 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.signal+"/"+tt.name, func(t *testing.T) {
			b := newBuilder(t)
			if tt.events != nil {
				tt.events(b)
			}
			c := Context{Now: at(tt.now), Currency: "EUR"}
			if tt.ctx != nil {
				tt.ctx(&c)
			}
			sig := find(t, Evaluate(stateOf(me, b.evs), c, defaults()), tt.signal)
			if sig.Fired != tt.fired {
				t.Fatalf("fired = %v, want %v: %+v", sig.Fired, tt.fired, sig)
			}
			if tt.strength != 0 && math.Abs(sig.Strength-tt.strength) > 1e-9 {
				t.Errorf("strength = %v, want %v", sig.Strength, tt.strength)
			}
			if !sig.Fired && sig.Strength != 0 {
				t.Errorf("strength %v without firing", sig.Strength)
			}
			if sig.Fired && len(sig.EventIDs)+len(sig.Refs) == 0 {
				t.Errorf("fired without evidence (R-P1): %+v", sig)
			}
			if sig.Detail == "" || sig.Threshold == "" || sig.Version != "1" {
				t.Errorf("incomplete signal: %+v", sig)
			}
		})
	}
}

// Evaluate returns every signal of the policy's lists, in their order, and
// with no data at all none fires (R-P1).
func TestEvaluateMissingData(t *testing.T) {
	sigs := Evaluate(&State{}, Context{Now: at(0), Currency: "EUR"}, defaults())
	var names []string
	for _, s := range sigs {
		names = append(names, s.Name)
		if s.Fired {
			t.Errorf("%s fired without data: %+v", s.Name, s)
		}
		if s.Positive != slices.Contains(policy.TrustSignals(), s.Name) {
			t.Errorf("%s: positive = %v", s.Name, s.Positive)
		}
	}
	if want := append(policy.RiskSignals(), policy.TrustSignals()...); !reflect.DeepEqual(names, want) {
		t.Errorf("signals\n%v\nwant\n%v", names, want)
	}
}

// A signal cites at most maxEventIDs events, the newest first, and counts
// them all in Value.
func TestSignalEvidenceIsBounded(t *testing.T) {
	b := newBuilder(t).register(0, nil).repeat(30, func(b *builder, i int) { b.signal("payment.failed", 1+float64(i)/24) })
	sig := find(t, Evaluate(stateOf(me, b.evs), Context{Now: at(3)}, defaults()), "payment.failures")
	if sig.Value != 30 || len(sig.EventIDs) != maxEventIDs || sig.EventIDs[0] != b.evs[30].ID {
		t.Errorf("value %v, %d ids starting %v", sig.Value, len(sig.EventIDs), sig.EventIDs[:1])
	}
}
