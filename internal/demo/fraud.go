package demo

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// Pattern is a fraud scheme planted in the demo data, for a moderator to
// find and for Vigil's detectors to flag.
type Pattern struct {
	Code        string
	Title       string
	Description string
	// AccountIDs are the accounts behind the scheme (not their victims).
	AccountIDs []string
}

// Identifiers the schemes share; reserved so that no ordinary account
// draws them by chance.
const (
	ringIP           = "198.51.100.77"
	ringDevice       = "and-5f0c2e9a41b7d386"
	counterfeitEmail = "luxury.deals.outlet@gmail.com"
	counterfeitPhone = "+4915184736291"
	phishingHost     = "kleinmarkt-secure-payment.com"
	sharedCard       = "card_fp_7d1e0c5b9a2f4e38"
)

// sharedAddress is the hashed shipping address the buyers of scheme (h)
// have their orders sent to.
func sharedAddress() string { return hashHex("Hafenstraße 7|20457|Hamburg|DE") }

func reserved() []string {
	return []string{ringIP, ringDevice, counterfeitEmail, counterfeitPhone, sharedCard, sharedAddress()}
}

// castIDs are the accounts of the fraud schemes. Their ids follow the
// ordinary accounts' and do not depend on the seed, so Patterns can name
// them without generating anything.
type castIDs struct {
	ring           []string // (a)
	counterfeiter  string   // (b)
	phisher        string   // (c)
	chargebacker   string   // (d)
	boostedSeller  string   // (e)
	boosters       []string // (e)
	landlord       string   // (f)
	unreliable     string   // (g)
	sharers        []string // (h)
	favouredSeller string   // (h), a genuine shop the sharers buy from
}

func castList() castIDs {
	n := normalAccounts
	ids := func(k int) []string {
		out := make([]string, k)
		for i := range out {
			n++
			out[i] = accountID(n)
		}
		return out
	}
	var c castIDs
	c.ring = ids(6)
	c.counterfeiter = ids(1)[0]
	c.phisher = ids(1)[0]
	c.chargebacker = ids(1)[0]
	c.boostedSeller = ids(1)[0]
	c.boosters = ids(8)
	c.landlord = ids(1)[0]
	c.unreliable = ids(1)[0]
	c.sharers = ids(4)
	c.favouredSeller = ids(1)[0]
	return c
}

// Patterns describes the fraud schemes planted in the demo data and the
// accounts behind each.
func Patterns() []Pattern {
	c := castList()
	return []Pattern{
		{"signup-ring", "Sign-up ring on one IP and device",
			fmt.Sprintf("Six accounts registered within one hour, at night, from IP %s and the same Android device (%s), all with disposable email domains (mailinator.com, 10minutemail.com, ...). Each lists new electronics below market price with the same copied description.", ringIP, ringDevice),
			c.ring},
		{"counterfeit-offplatform", "Counterfeits at a quarter of the price, payment off the platform",
			"A twelve-day-old account lists iPhones and designer bags at about 25% of market price with 'replica 1:1', 'AAA quality' wording and stock photos, and in messages pushes Western Union or bank transfer and WhatsApp, with the phone number and email spelled out to dodge filters (\"zero one five one ...\", \"name at gmail dot com\").",
			[]string{c.counterfeiter}},
		{"phishing", "Phishing links to a lookalike payment domain",
			fmt.Sprintf("A three-day-old 'buyer' writes to six sellers that the payment is waiting and must be confirmed at https://%s/verify, then presses with a two-hour deadline.", phishingHost),
			[]string{c.phisher}},
		{"payment-abuse", "Failed payments and chargebacks",
			"A new buyer makes three high-value purchases, with five failed payment attempts on five different cards in between (card testing), and charges back two of the delivered orders.",
			[]string{c.chargebacker}},
		{"review-burst", "Burst of five-star reviews from brand-new accounts",
			"Eight accounts registered within the last week, three on the seller's own IP, each buy a cheap accessory from the same seller and leave near-identical five-star reviews within 24 hours.",
			append([]string{c.boostedSeller}, c.boosters...)},
		{"rental-advance-fee", "Rental advance-fee scam",
			"An owner 'working abroad in Madrid' lists furnished flats in Berlin and Amsterdam at half the local rent, refuses viewings and asks for the deposit and first rent by Western Union or bank transfer before handing over keys by courier, with urgency ('many people are interested').",
			[]string{c.landlord}},
		{"unreliable-seller", "Late shipments, missing tracking, cancellations",
			"A seller whose last ten orders include five late shipments (three without tracking), three cancellations for stock they did not have and a refund for an order never shipped; the seller has since passed the shipping-policy quiz.",
			[]string{c.unreliable}},
		{"shared-payment", "Several buyers, one card, one address",
			"Four recently registered buyers, with different names, emails and phones, pay with the same card fingerprint and ship to the same address, all buying electronics from the same shop.",
			append(slices.Clone(c.sharers), c.favouredSeller)},
	}
}

// fraud plants the schemes of Patterns among the ordinary traffic.
func (g *gen) fraud() {
	c := castList()
	// The schemes that pick ordinary listings go first, before the cast's
	// own listings join them.
	g.phishing(c.phisher)
	g.paymentAbuse(c.chargebacker)
	g.signupRing(c.ring)
	g.counterfeit(c.counterfeiter)
	g.reviewBurst(c.boostedSeller, c.boosters)
	g.advanceFee(c.landlord)
	g.unreliableSeller(c.unreliable)
	g.sharedPayment(c.sharers, c.favouredSeller)
}

// ago is a time before the end of the window.
func (g *gen) ago(d time.Duration) time.Time { return g.end.Add(-d) }

// jitter moves t forward by up to d, to the second, and out of the small
// hours: the schemes' timelines are planned in round numbers, their events
// should not look it.
func (g *gen) jitter(t time.Time, d time.Duration) time.Time {
	return daytime(t.Add(time.Duration(g.r.Int64N(int64(d)))).Truncate(time.Second))
}

// enrol emits a cast account with its verifications and logins.
func (g *gen) enrol(a *account, vs ...verification) {
	g.join(a, vs...)
	g.logins(a)
}

// emailOnly is the verification of an account that only confirmed its
// email address.
func emailOnly() verification {
	return verification{"email", "verified", "kleinmarkt", 3 * time.Minute}
}

// someone picks an ordinary account active before t that is not one of
// the given accounts.
func (g *gen) someone(t time.Time, not ...*account) *account {
	for {
		a := pick(g, g.people)
		if a.active.Before(t) && !slices.Contains(not, a) {
			return a
		}
	}
}

// custom publishes a listing with the scheme's own text and price, and
// its own photos if given.
func (g *gen) custom(s *account, cat string, at time.Time, name, title, desc string, price int64, images ...event.Image) *listing {
	l, p := g.newListing(s, cat, at)
	l.item, l.price = name, price
	p.Title, p.Description, p.Price = title, desc, euro(price)
	if len(images) > 0 {
		p.Images = images
	}
	g.list(l, p)
	return l
}

// (a) Six accounts from one IP and device within an hour, disposable
// email domains, each listing electronics with the same copied text.
func (g *gen) signupRing(ids []string) {
	t0 := g.ago(9 * day).Truncate(day).Add(2*time.Hour + 11*time.Minute)
	domains := []string{"mailinator.com", "10minutemail.com", "guerrillamail.com", "yopmail.com", "trashmail.com", "sharklasers.com"}
	goods := []item{{"AirPods Pro (2nd gen)", 16000}, {"PlayStation 5 Disc Edition", 38000}, {"iPhone 14 Pro 256 GB", 78000},
		{"Nintendo Switch OLED", 24000}, {"Apple Watch Series 8", 28000}, {"Dyson Airwrap", 38000}}
	const copied = "Neu und originalverpackt, nie benutzt – war ein Geschenk. Rechnung vorhanden. Nur Versand, Zahlung per Überweisung. Bei Interesse schnell melden, habe mehrere Stück!"
	for i, id := range ids {
		reg := t0.Add(time.Duration(i)*9*time.Minute + time.Duration(g.r.IntN(60))*time.Second)
		a := g.newAccount(id, g.country("DE"), "private", reg)
		a.email = fmt.Sprintf("%s.%s%d@%s", slug(a.first), strings.ReplaceAll(slug(a.last), "-", ""), 1000+g.r.IntN(9000), domains[i])
		a.phone, a.ip, a.device, a.payments = "", ringIP, ringDevice, nil
		g.enrol(a, emailOnly())
		for k := range 2 {
			it := goods[(i+k)%len(goods)]
			g.custom(a, "electronics", g.after(reg, time.Hour, 30*time.Hour), it.name, it.name+" – NEU & OVP", copied, roundTo(it.price*6/10, 500))
		}
	}
}

// (b) Counterfeits at a quarter of the market price; messages push payment
// off the platform and spell the contact details out.
func (g *gen) counterfeit(id string) {
	a := g.newAccount(id, g.country("DE"), "private", g.jitter(g.ago(12*day), 3*time.Hour))
	a.email, a.phone, a.ip = counterfeitEmail, counterfeitPhone, "203.0.113.45"
	g.enrol(a, emailOnly())
	goods := []struct {
		name, cat, title string
		market           int64
	}{
		{"iPhone 15 Pro Max 256 GB", "electronics", "iPhone 15 Pro Max 256 GB – NEU & versiegelt, Original-Qualität", 129900},
		{"iPhone 15 Pro 128 GB", "electronics", "iPhone 15 Pro 128 GB Titan – NEU, 1:1 Premium", 109900},
		{"AirPods Pro 2", "electronics", "AirPods Pro 2 – NEU versiegelt, Top-Qualität", 27900},
		{"Louis Vuitton Neverfull MM", "fashion", "Louis Vuitton Neverfull MM – Premium Qualität 1:1 mit Staubbeutel", 180000},
		{"Gucci GG Marmont", "fashion", "Gucci GG Marmont Schultertasche – Replica AAA+ Qualität", 210000},
		{"Chanel Classic Flap Bag", "fashion", "Chanel Classic Flap Bag – Original-Qualität mit Karte", 950000},
	}
	const desc = "100 % Original-Qualität (Premium-Replika 1:1), mit Box, Staubbeutel und Echtheitszertifikat. Versand nur gegen Vorkasse per Banküberweisung oder Western Union – kein PayPal, keine Abholung. Nur wenige Stück, schnell sein! Schreib mir auf WhatsApp: +49 151 84736291"
	var ls []*listing
	for _, it := range goods {
		// Photos lifted from genuine sellers' listings, not of the item.
		at := g.after(a.active, 2*time.Hour, 3*day)
		photo, ok := g.copyPhoto(it.cat, slug(it.name), at)
		if !ok {
			photo = g.photo("stock/"+slug(it.name), uint64(len(it.name)), false)
		}
		ls = append(ls, g.custom(a, it.cat, at, it.name, it.title, desc, roundTo(it.market/4, 500), photo))
	}
	script := map[string][]string{
		"de": {"Hallo! Ja, noch da. Bezahlung nur per Western Union oder Banküberweisung, dann verschicke ich noch am selben Tag. Schreib mir auf WhatsApp: +49 151 84736291",
			"Geht auch Bezahlung über Kleinmarkt mit Käuferschutz?",
			"Nein, die Gebühren hier sind zu hoch. Ruf mich an: null eins fünf eins – acht vier sieben drei sechs zwei neun eins. Oder Mail an luxury punkt deals punkt outlet at gmail dot com",
			"Das ist mir zu unsicher, danke."},
		"en": {"Hi! Yes, still available. Pay via Western Union or bank transfer only, then I ship the same day. WhatsApp me at +49 151 84736291",
			"Can I pay through Kleinmarkt with buyer protection?",
			"No, the fees here are too high. Call me: zero one five one, eight four seven, three six two nine one. Or mail luxury.deals.outlet at gmail dot com",
			"That sounds too risky for me, no thanks."},
	}
	// Two German-speaking victims and two others, so both scripts run.
	for k := range 4 {
		l := pick(g, ls)
		b := g.someone(l.at, a)
		for (b.lang() == "de") != (k%2 == 0) {
			b = g.someone(l.at, a)
		}
		lang := "en"
		if b.lang() == "de" {
			lang = "de"
		}
		texts := append(g.lines(l, 1, g.lex[lang].ask), script[lang]...)
		g.exchange(l, b, g.between(l.at.Add(time.Hour), g.ago(2*day)), texts)
	}
}

// (c) A fresh "buyer" sends sellers a link to a lookalike payment page and
// presses them with a deadline.
func (g *gen) phishing(id string) {
	a := g.newAccount(id, g.country("NL"), "private", g.jitter(g.ago(3*day), 3*time.Hour))
	a.ip = "192.0.2.201"
	g.enrol(a, emailOnly())
	doubt := map[string]string{
		"de": "Ich sehe keine Zahlung. Was ist das für ein Link?",
		"nl": "Ik zie geen betaling. Wat is dit voor link?",
		"fr": "Je ne vois aucun paiement. C'est quoi ce lien ?",
		"it": "Non vedo nessun pagamento. Che link è questo?",
	}
	var sellers []*account
	for i := 0; i < 6; {
		l := pick(g, g.listings)
		if !l.shippable || l.price < 10000 || !l.at.Before(g.ago(3*day)) || slices.Contains(sellers, l.seller) || l.seller.kind != "private" {
			continue
		}
		sellers = append(sellers, l.seller)
		ref := fmt.Sprintf("KM-%d", 40000+g.r.IntN(60000))
		texts := []string{
			fmt.Sprintf("Hello, I'll take it for the full price of %s EUR. I have already paid via Kleinmarkt SafePay – please confirm receipt here to release the money: https://%s/verify?order=%s", eur(l.price), phishingHost, ref),
			doubt[l.seller.lang()],
			fmt.Sprintf("You have to verify your seller account first, otherwise the payment expires in 2 hours! Log in here: https://%s/verify/login?ref=%s", phishingHost, ref),
		}
		if i%3 == 2 {
			texts = texts[:1] // the seller never answered
		}
		g.exchange(l, a, g.jitter(g.ago(2*day).Add(time.Duration(i)*4*time.Hour), 90*time.Minute), texts)
		i++
	}
}

// (d) A new buyer's high-value purchases, with five declined cards tried in
// between, and two chargebacks after delivery.
func (g *gen) paymentAbuse(id string) {
	a := g.newAccount(id, g.country("FR"), "private", g.jitter(g.ago(20*day), 3*time.Hour))
	g.enrol(a, emailOnly())
	var ls []*listing
	for _, l := range g.listings {
		if l.shippable && !g.sold[l.id] && l.at.Before(g.ago(16*day)) && l.seller != a {
			ls = append(ls, l)
		}
	}
	slices.SortStableFunc(ls, func(x, y *listing) int { return cmp.Compare(y.price, x.price) })
	declines := []string{"card_declined", "insufficient_funds", "3ds_authentication_failed", "card_declined", "stolen_card"}
	failures := []int{2, 3, 0}
	disputes := []string{"fraudulent: cardholder does not recognise the payment", "product not received"}
	next := 0
	for i, l := range ls[:3] {
		o := g.newOrder(a, l, l.price)
		at := g.jitter(g.ago(time.Duration(15-i)*day), 3*time.Hour)
		st := g.deliver(o, at, 20*time.Hour, 30*time.Hour)
		// Card testing: declined cards in quick succession before one
		// goes through.
		for k := range failures[i] {
			g.paymentFailed(o, at.Add(time.Duration(k+1)*40*time.Second), g.unique(g.fingerprint), declines[next])
			next++
		}
		if i < len(disputes) {
			g.chargeback(o, st.delivered.Add(time.Duration(8+i)*day), disputes[i])
		}
	}
}

// (e) Eight brand-new accounts, three on the seller's IP, buy cheap
// accessories and leave near-identical five-star reviews within 24 hours.
func (g *gen) reviewBurst(sellerID string, ids []string) {
	s := g.newAccount(sellerID, g.country("DE"), "private", g.end.AddDate(0, -8, 0))
	g.enrol(s, emailOnly(), verification{"phone", "verified", "kleinmarkt", time.Hour})
	goods := []item{{"USB-C Schnellladegerät 30 W", 1990}, {"iPhone 14 Hülle Silikon", 1290}, {"Panzerglas Schutzfolie 2er-Pack", 990},
		{"Lightning-Kabel 2 m (3 Stück)", 1490}, {"Powerbank 20000 mAh", 2490}, {"Smartwatch-Armband Milanaise", 1590}}
	var ls []*listing
	for _, it := range goods {
		ls = append(ls, g.custom(s, "electronics", g.between(s.active, g.ago(25*day)), it.name, it.name+" – NEU",
			"Neuware, originalverpackt. Versand am nächsten Werktag mit DHL. Mengenrabatt auf Anfrage.", it.price))
	}
	// Two genuine sales first, so the burst stands out against a history.
	for _, l := range ls[:2] {
		g.deliver(g.newOrder(g.someone(g.ago(20*day), s), l, l.price), g.between(g.ago(20*day), g.ago(15*day)), 20*time.Hour, 30*time.Hour)
	}
	var orders []*order
	var boosters []*account
	last := g.start
	openers := []string{"Super Verkäufer!!!", "Top Verkäufer!!!", "Super Verkäufer!!", "Mega Verkäufer!!!"}
	closers := []string{"Absolut empfehlenswert, gerne wieder!", "Absolut empfehlenswert, immer wieder gerne!"}
	for i, id := range ids {
		b := g.newAccount(id, g.country(pick(g, []string{"DE", "DE", "AT"})), "private", g.jitter(g.ago(6*day).Add(time.Duration(i)*2*time.Hour), 50*time.Minute))
		b.phone = ""
		if i < 3 {
			b.ip = s.ip
		}
		g.enrol(b, emailOnly())
		l := ls[i%len(ls)]
		o := g.newOrder(b, l, l.price)
		st := g.deliver(o, g.jitter(g.ago(5*day).Add(time.Duration(i)*40*time.Minute), 10*time.Minute), 12*time.Hour, 22*time.Hour)
		orders, boosters, last = append(orders, o), append(boosters, b), latest(last, st.delivered)
	}
	// Once everything has arrived, the reviews come in, day or night, all
	// within 24 hours.
	for i, o := range orders {
		text := openers[i%len(openers)] + " Alles top, sehr schnelle Lieferung und Artikel genau wie beschrieben. " + closers[i%len(closers)] + " 5 Sterne"
		at := last.Add(2*time.Hour + time.Duration(i)*150*time.Minute + time.Duration(g.r.IntN(1200))*time.Second)
		g.review(o, boosters[i], s, 5, text, at)
	}
}

// (f) Flats abroad at half the rent, no viewing, deposit first.
func (g *gen) advanceFee(id string) {
	a := g.newAccount(id, g.country("DE"), "private", g.jitter(g.ago(6*day), 3*time.Hour))
	a.country, a.phone, a.ip = "ES", "+346"+g.digits(8), "203.0.113.190"
	a.email = slug(a.first) + "." + strings.ReplaceAll(slug(a.last), "-", "") + ".madrid@gmail.com"
	g.enrol(a, emailOnly())
	from := g.ago(-3 * day).Truncate(day)
	flats := []struct {
		terms       rentalTerms
		title, desc string
		script      []string
	}{
		{rentalTerms{rooms: 3, size: 85, rent: 69000, deposit: 138000, from: from, street: "Torstraße 118",
			city: city{"Berlin", "10119", 15}, country: "DE"},
			"Möblierte 3-Zimmer-Altbauwohnung in Berlin-Mitte, 85 m² – ab sofort, alles inklusive",
			"Wunderschöne möblierte Altbauwohnung, Warmmiete 690 € alles inklusive. Ich arbeite zurzeit als Ingenieur in Madrid und kann leider nicht zur Besichtigung kommen. Nach Überweisung der Kaution (1.380 €) und der ersten Monatsmiete per Western Union oder Banküberweisung schicke ich Ihnen die Schlüssel per DHL. Sollte Ihnen die Wohnung nicht gefallen, bekommen Sie das Geld zurück.",
			[]string{"Hallo, ist die Wohnung noch frei? Wann könnte ich sie besichtigen?",
				"Hallo, danke für Ihr Interesse! Ich bin beruflich in Madrid, eine Besichtigung ist leider nicht möglich. Überweisen Sie bitte die Kaution von 1.380 € plus die erste Miete, dann schicke ich Ihnen die Schlüssel per DHL. Sie haben dann 7 Tage zum Prüfen.",
				"Können wir nicht zuerst eine Besichtigung machen? Ich überweise nichts vorab.",
				"Es gibt sehr viele Interessenten. Wenn die Kaution heute nicht da ist, muss ich die Wohnung leider jemand anderem geben."}},
		{rentalTerms{rooms: 2, size: 70, rent: 95000, deposit: 190000, from: from, street: "Prinsengracht 412",
			city: city{"Amsterdam", "1016 JB", 25}, country: "NL"},
			"Furnished 2-room apartment on the Prinsengracht, 70 m² – all bills included",
			"Beautiful furnished apartment in the Jordaan, 950 EUR a month, all bills included. I am currently working abroad in Madrid, so a viewing is not possible. Once you have transferred the deposit (1,900 EUR) and the first month's rent by bank transfer, I will send you the keys by DHL. Full refund if you don't like it.",
			[]string{"Hi, is the apartment still available? When could I view it?",
				"Hello, thank you for your interest! I am working in Madrid, so a viewing is not possible. Please transfer the deposit of 1,900 EUR plus the first rent and I will send you the keys by DHL. You then have 7 days to check everything.",
				"Couldn't we do a viewing first? I won't transfer anything in advance.",
				"There are many interested people. If the deposit doesn't arrive today, I have to give the flat to someone else."}},
	}
	for i, f := range flats {
		l, p := g.newListing(a, "rentals", g.after(a.active, time.Hour, day))
		g.rental(l, p, f.terms)
		p.Title, p.Description = f.title, f.desc
		l.item = f.title
		g.list(l, p)
		for k := range 3 - i {
			g.exchange(l, g.someone(l.at, a), g.after(l.at, time.Duration(2+k*20)*time.Hour, time.Duration(10+k*20)*time.Hour), f.script)
		}
	}
}

// (g) A seller who ships late or not at all and cancels what they do not
// have, then takes the shipping-policy quiz.
func (g *gen) unreliableSeller(id string) {
	s := g.newAccount(id, g.country("DE"), "private", g.end.AddDate(-1, -2, 0))
	g.enrol(s, emailOnly(), verification{"phone", "verified", "kleinmarkt", time.Hour})
	var ls []*listing
	for range 8 {
		l, p := g.newListing(s, "fashion", g.between(s.active, g.ago(32*day)))
		g.list(l, p)
		ls = append(ls, l)
	}
	complaint := map[bool]string{
		true:  "Ware kam erst nach fast zwei Wochen an, keine Sendungsnummer und auf Nachrichten kam keine Antwort. Nicht zu empfehlen.",
		false: "The parcel took almost two weeks, there was no tracking number and my messages went unanswered. Not recommended.",
	}
	for i := range 10 {
		l := ls[i%len(ls)]
		b := g.someone(g.ago(30*day), s)
		o := g.newOrder(b, l, l.price)
		at := g.jitter(g.ago(28*day).Add(time.Duration(i)*50*time.Hour), 90*time.Minute)
		paid := g.after(at, 3*time.Minute, 40*time.Minute)
		g.step(o, "created", at, "", "")
		g.step(o, "paid", paid, "", "")
		switch i {
		case 1, 4, 7:
			g.step(o, "cancelled", g.after(paid, day, 2*day), "", "Artikel leider nicht mehr vorrätig")
			continue
		case 6:
			g.step(o, "refunded", paid.Add(10*day), "", "not shipped within 10 days")
			continue
		}
		// The latest order, after a warning, ships on time and tracked;
		// the others ship a week late, the even ones without tracking.
		days, tracked := 5+g.r.IntN(4), i%2 == 1
		if i == 9 {
			days = 1
		}
		tracking := ""
		if tracked {
			tracking = g.tracking(s.c)
		}
		shipped := paid.Add(time.Duration(days) * day)
		g.step(o, "shipped", shipped, tracking, "")
		if days > 2 {
			g.late(o, shipped, days-2, tracked)
		}
		delivered := g.after(shipped, 2*day, 4*day)
		g.step(o, "delivered", delivered, tracking, "")
		if i == 0 || i == 3 {
			g.review(o, b, s, 1+i%2, complaint[b.lang() == "de"], delivered.Add(3*time.Hour))
		}
	}
	g.emit(g.jitter(g.ago(day), 3*time.Hour), "remedial.completed", &event.AccountSignal{AccountID: s.id, Kind: "shipping_quiz", Reason: "passed the shipping-policy quiz"})
}

// (h) Four buyers with one card and one address, buying from one shop.
func (g *gen) sharedPayment(ids []string, sellerID string) {
	s := g.newAccount(sellerID, g.country("DE"), "business", g.end.AddDate(-1, -8, 0))
	g.business(s, "electronics")
	s.idCountry = "DE"
	g.enrol(s, emailOnly(), verification{"phone", "verified", "kleinmarkt", time.Hour},
		verification{"identity", "verified", "psp-kyc", 2 * day}, verification{"business", "verified", s.c.registry, 3 * day})
	var ls []*listing
	for range 6 {
		l, p := g.newListing(s, "electronics", g.between(s.active, g.ago(25*day)))
		g.list(l, p)
		ls = append(ls, l)
	}
	for i, id := range ids {
		b := g.newAccount(id, g.country("DE"), "private", g.jitter(g.ago(25*day).Add(time.Duration(i*3)*day), 12*time.Hour))
		if i == 0 {
			b.payments = append(b.payments, sharedCard)
		}
		g.enrol(b, emailOnly())
		for k := range 2 {
			l := ls[(2*i+k)%len(ls)]
			o := g.newOrder(b, l, l.price)
			o.fp, o.addr = sharedCard, sharedAddress()
			g.deliver(o, g.jitter(g.ago(10*day).Add(time.Duration(2*i+k)*22*time.Hour), 2*time.Hour), day, 2*day)
		}
	}
}
