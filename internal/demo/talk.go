package demo

import (
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// conversation is one buyer's exchange with a seller about a listing.
type conversation struct {
	id   string
	l    *listing
	n    int       // messages sent
	last time.Time // when the latest was sent
}

// talk runs the ordinary conversations. Goods conversations follow the
// haggling script; when it gets past the agreement the buyer orders, and
// the rest of the script (paid, shipped, arrived) follows the order's steps.
func (g *gen) talk() {
	for len(g.convs) < normalConversations {
		l := pick(g, g.listings)
		b := pick(g, g.people)
		from := latest(l.at, b.active).Add(10 * time.Minute)
		// Cars and flats draw fewer enquiries than goods.
		if b == l.seller || from.After(g.end.Add(-2*time.Hour)) || !l.shippable && g.chance(0.5) {
			continue
		}
		at := g.between(from, g.end.Add(-time.Hour))
		n := 1 + g.weighted(16, 20, 20, 18, 12, 8, 6)
		lx := g.lex[language(b, l.seller)]
		if !l.shippable {
			g.convs = append(g.convs, g.exchange(l, b, at, g.lines(l, min(n, 4), lx.ask, lx.reply, lx.visit, lx.confirm)))
			continue
		}
		c := g.exchange(l, b, at, g.lines(l, min(n, 4), lx.ask, lx.reply, lx.offer, lx.accept))
		g.convs = append(g.convs, c)
		if n <= 4 || c.n < 4 || g.sold[l.id] {
			continue
		}
		st := g.lifecycle(g.newOrder(b, l, offer(l)), g.after(c.last, 5*time.Minute, 3*time.Hour))
		// The conversation goes on as the order does, as long as it does.
		follow := []struct {
			at       time.Time
			from, to *account
			texts    []string
		}{{st.paid, b, l.seller, lx.pay}, {st.shipped, l.seller, b, lx.ship}, {st.delivered, b, l.seller, lx.thanks}}
		for _, f := range follow[:n-4] {
			if f.at.IsZero() || !g.message(c, f.from, f.to, pick(g, f.texts), daytime(g.after(f.at, 2*time.Minute, 3*time.Hour))) {
				break
			}
		}
	}
}

// offer is what a haggling buyer and seller agree on.
func offer(l *listing) int64 { return roundTo(l.price*85/100, 500) }

// lines picks one text per step for the first n steps of a script.
func (g *gen) lines(l *listing, n int, steps ...[]string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fill(pick(g, steps[i]), "{item}", l.item, "{offer}", eur(offer(l)))
	}
	return out
}

// exchange opens a conversation about l and sends texts alternately from
// the buyer and the seller, minutes to hours apart.
func (g *gen) exchange(l *listing, buyer *account, at time.Time, texts []string) *conversation {
	c := &conversation{id: g.nextID("conv"), l: l}
	for i, text := range texts {
		from, to := buyer, l.seller
		if i%2 == 1 {
			from, to = to, from
		}
		if !g.message(c, from, to, text, at) {
			break
		}
		// People answer within minutes or hours, not in the small hours.
		at = daytime(g.after(at, 3*time.Minute, 10*time.Hour))
	}
	return c
}

// message sends one message of a conversation, unless it would be after
// the end of the window.
func (g *gen) message(c *conversation, from, to *account, text string, at time.Time) bool {
	if at.After(g.end) {
		return false
	}
	c.n++
	c.last = at
	return g.emit(at, "message.sent", &event.MessageSent{MessageID: g.nextID("msg"), ConversationID: c.id,
		SenderID: from.id, RecipientID: to.id, Text: text, ListingID: c.l.id})
}
