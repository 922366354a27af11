package demo

import (
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// signals emits the background of account signals: logins, new devices,
// a few copyright strikes, one account takeover and lapsed verifications.
func (g *gen) signals() {
	for _, a := range g.people {
		g.logins(a)
		if g.chance(0.12) {
			g.emit(g.between(a.active, g.end), "device.seen", &event.AccountSignal{AccountID: a.id, IP: a.ip, DeviceID: g.unique(g.deviceID)})
		}
	}
	g.strikes()
	g.takeover()
	g.lapses()
}

// logins emits zero to two logins of an account, now and then from a
// mobile network rather than the home connection.
func (g *gen) logins(a *account) {
	for range g.weighted(30, 45, 25) {
		ip := a.ip
		if g.chance(0.2) {
			ip = g.unique(func() string { return g.ip(a.c) })
		}
		g.emit(g.between(a.active, g.end), "login", &event.AccountSignal{AccountID: a.id, IP: ip, DeviceID: a.device})
	}
}

// strikes gives two sellers of branded goods accepted copyright and
// trademark notices: two strikes for one, one for the other, so the DMCA
// ladder has something to count without reaching its automatic steps.
func (g *gen) strikes() {
	var ls []*listing
	for _, l := range g.listings {
		if l.category == "fashion" || l.category == "collectibles" {
			ls = append(ls, l)
		}
	}
	first, second := pick(g, ls), pick(g, ls)
	for second.seller == first.seller {
		second = pick(g, ls)
	}
	g.strike(first, "copyright", "product photos copied from the manufacturer's website")
	g.strike(first, "trademark", "protected brand logo used in the listing title")
	g.strike(second, "copyright", "catalogue text copied from a collector's website")
}

func (g *gen) strike(l *listing, kind, reason string) {
	g.emit(g.after(l.at, day, 10*day), "dmca.accepted", &event.AccountSignal{AccountID: l.seller.id, ListingID: l.id, Kind: kind, Reason: reason})
}

// takeover is one account hijacked in the small hours from an unknown
// network and device, cleaned up by support and secured by its owner.
func (g *gen) takeover() {
	var a *account
	for a == nil || a.kind != "private" || !a.registered.Before(g.start) {
		a = pick(g, g.people)
	}
	d := g.between(g.start.Add(20*day), g.end.Add(-5*day))
	at := time.Date(d.Year(), d.Month(), d.Day(), 3, 12, 0, 0, time.UTC)
	ip := g.unique(func() string { return g.ip(pick(g, g.countries)) })
	device := g.unique(g.deviceID)
	g.emit(at, "login", &event.AccountSignal{AccountID: a.id, IP: ip, DeviceID: device})
	g.emit(at.Add(time.Minute), "device.seen", &event.AccountSignal{AccountID: a.id, IP: ip, DeviceID: device})
	g.emit(at.Add(20*time.Hour), "hijack.incident", &event.AccountSignal{AccountID: a.id, IP: ip, DeviceID: device,
		Reason: "account taken over after a credential-stuffing login; the attacker changed the payout account; password reset by support"})
	g.emit(at.Add(22*time.Hour), "remedial.completed", &event.AccountSignal{AccountID: a.id, Kind: "security_checkup",
		Reason: "password changed and two-factor authentication enabled"})
}

// lapses lets two shops' identity verification lapse.
func (g *gen) lapses() {
	var shops []*account
	for _, a := range g.people {
		if a.kind == "business" && a.idCountry != "" && a.active.Before(g.end.Add(-20*day)) {
			shops = append(shops, a)
		}
	}
	for _, a := range shops[:min(2, len(shops))] {
		g.verify(a, "identity", "lapsed", "psp-kyc", g.between(a.active.Add(10*day), g.end))
	}
}
