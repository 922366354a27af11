package demo

import (
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

const day = 24 * time.Hour

// order is a purchase as the generator knows it.
type order struct {
	id            string
	buyer, seller *account
	l             *listing
	amount        int64 // cents
	fp, addr      string
}

// newOrder starts an order paid with the buyer's first payment method and
// shipped to their address.
func (g *gen) newOrder(b *account, l *listing, amount int64) *order {
	g.sold[l.id] = true
	return &order{id: g.nextID("ord"), buyer: b, seller: l.seller, l: l, amount: amount, fp: b.payments[0], addr: b.address}
}

// trade runs the orders placed without a conversation: people who just
// buy what they see.
func (g *gen) trade() {
	for n := 0; n < directOrders; {
		l := pick(g, g.listings)
		b := pick(g, g.people)
		from := latest(l.at, b.active).Add(time.Hour)
		if !l.shippable || g.sold[l.id] || b == l.seller || from.After(g.end.Add(-2*time.Hour)) {
			continue
		}
		g.lifecycle(g.newOrder(b, l, l.price), g.between(from, g.end.Add(-time.Hour)))
		n++
	}
}

// steps are when an order reached each step; zero when it did not.
type steps struct{ paid, shipped, delivered time.Time }

// lifecycle runs an ordinary order from creation: most are paid, shipped
// and delivered and then reviewed; a few are cancelled, refunded, shipped
// late, disputed or charged back. Orders still under way at the end of the
// window stop where they are.
func (g *gen) lifecycle(o *order, at time.Time) steps {
	var st steps
	if !g.step(o, "created", at, "", "") {
		return st
	}
	if g.chance(0.06) {
		g.step(o, "cancelled", g.after(at, time.Hour, 40*time.Hour), "", pick(g, []string{"buyer changed their mind", "item sold elsewhere", "seller did not respond"}))
		return st
	}
	paid := g.after(at, 2*time.Minute, 8*time.Hour)
	if g.chance(0.04) {
		g.paymentFailed(o, paid.Add(-time.Minute), g.unique(g.fingerprint), pick(g, []string{"card_declined", "insufficient_funds", "expired_card"}))
	}
	if !g.step(o, "paid", paid, "", "") {
		return st
	}
	st.paid = paid
	if g.chance(0.03) {
		g.step(o, "refunded", g.after(paid, day, 5*day), "", "seller could not ship: item damaged")
		return st
	}
	shipped := g.after(paid, 3*time.Hour, 60*time.Hour)
	if g.chance(0.07) {
		shipped = g.after(paid, 4*day, 8*day)
	}
	tracking := g.tracking(o.seller.c)
	if !g.step(o, "shipped", shipped, tracking, "") {
		return st
	}
	st.shipped = shipped
	// Sellers promise to ship within two days.
	if days := int(shipped.Sub(paid) / day); days >= 4 {
		g.late(o, shipped, days-2, true)
	}
	delivered := g.after(shipped, 20*time.Hour, 4*day)
	if !g.step(o, "delivered", delivered, tracking, "") {
		return st
	}
	st.delivered = delivered
	switch {
	case g.chance(0.03):
		disputed := g.after(delivered, day, 5*day)
		g.step(o, "disputed", disputed, "", "item not as described")
		rating := 1 + g.r.IntN(2)
		g.review(o, o.buyer, o.seller, rating, g.reviewText(o.buyer.lang(), rating), disputed.Add(time.Hour))
		return st
	case g.chance(0.012):
		g.chargeback(o, g.after(delivered, 10*day, 30*day), "cardholder disputes the transaction")
	}
	g.reviews(o, delivered)
	return st
}

// deliver runs an order that goes smoothly: paid minutes after it is
// created, shipped and delivered a few hours more than the given delays
// later.
func (g *gen) deliver(o *order, at time.Time, ship, arrive time.Duration) steps {
	var st steps
	paid := g.after(at, 3*time.Minute, 25*time.Minute)
	shipped := daytime(g.after(paid, ship, ship+3*time.Hour))
	delivered := daytime(g.after(shipped, arrive, arrive+6*time.Hour))
	tracking := g.tracking(o.seller.c)
	if !g.step(o, "created", at, "", "") || !g.step(o, "paid", paid, "", "") {
		return st
	}
	st.paid = paid
	if !g.step(o, "shipped", shipped, tracking, "") {
		return st
	}
	st.shipped = shipped
	if g.step(o, "delivered", delivered, tracking, "") {
		st.delivered = delivered
	}
	return st
}

// step emits one order step. Every step carries the order's parties,
// payment method and address, as a marketplace's order webhook would.
func (g *gen) step(o *order, status string, at time.Time, tracking, reason string) bool {
	return g.emit(at, "order."+status, &event.Order{OrderID: o.id, BuyerID: o.buyer.id, SellerID: o.seller.id, ListingID: o.l.id,
		Amount: euro(o.amount), PaymentFingerprint: o.fp, ShippingAddressHash: o.addr, TrackingNumber: tracking, Reason: reason})
}

func (g *gen) tracking(c *country) string { return c.trackPrefix + g.digits(c.trackDigits) }

// orderSignal emits an account signal about an order.
func (g *gen) orderSignal(typ string, o *order, who *account, at time.Time, fp, reason string) bool {
	amount := euro(o.amount)
	return g.emit(at, typ, &event.AccountSignal{AccountID: who.id, OrderID: o.id, ListingID: o.l.id, SellerID: o.seller.id,
		Amount: &amount, PaymentFingerprint: fp, Reason: reason})
}

func (g *gen) paymentFailed(o *order, at time.Time, fp, reason string) bool {
	return g.orderSignal("payment.failed", o, o.buyer, at, fp, reason)
}

func (g *gen) chargeback(o *order, at time.Time, reason string) bool {
	return g.orderSignal("chargeback.received", o, o.buyer, at, o.fp, reason)
}

// late reports a shipment days late, with or without tracking.
func (g *gen) late(o *order, at time.Time, days int, tracked bool) bool {
	return g.emit(at, "shipment.late", &event.ShipmentLate{OrderID: o.id, SellerID: o.seller.id, DaysLate: days, HasTracking: tracked})
}

// reviews lets the buyer, and sometimes the seller, review a delivered
// order a day or more after delivery, as the marketplace allows.
func (g *gen) reviews(o *order, delivered time.Time) {
	if g.chance(0.75) {
		rating := 5 - g.weighted(60, 25, 8, 4, 3)
		g.review(o, o.buyer, o.seller, rating, g.reviewText(o.buyer.lang(), rating), g.after(delivered, 26*time.Hour, 6*day))
	}
	if g.chance(0.3) {
		g.review(o, o.seller, o.buyer, 5, pick(g, g.lex[o.seller.lang()].aboutBuyer), g.after(delivered, 26*time.Hour, 6*day))
	}
}

func (g *gen) reviewText(lang string, rating int) string {
	lx := g.lex[lang]
	switch {
	case rating >= 4 && g.chance(0.12):
		return pick(g, lx.short)
	case rating >= 4:
		return pick(g, lx.positive)
	case rating == 3:
		return pick(g, lx.neutral)
	}
	return pick(g, lx.negative)
}

func (g *gen) review(o *order, author, subject *account, rating int, text string, at time.Time) bool {
	if at.After(g.end) {
		return false
	}
	return g.emit(at, "review.submitted", &event.ReviewSubmitted{ReviewID: g.nextID("rev"), OrderID: o.id,
		AuthorID: author.id, SubjectID: subject.id, Rating: rating, Text: text})
}
