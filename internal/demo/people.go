package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// country is what it takes to invent a plausible person living there.
type country struct {
	code, lang  string
	dial        string   // country calling code
	mobile      []string // mobile number prefixes after the calling code
	subscriber  int      // digits after the prefix
	first, last []string
	mail        []string // popular free-mail domains
	tld         string
	legal       string // legal-form suffix of a company name
	registry    string // the business register that verifies companies
	// Tracking numbers: a carrier's prefix and digit count.
	trackPrefix string
	trackDigits int
	// ipv4 are first octets of the country's big consumer ISPs, so
	// addresses look residential.
	ipv4          []int
	cities        []city
	streets       []string
	numberFirst   bool  // "12 rue Victor Hugo" rather than "Lindenstraße 12"
	depositMonths int64 // customary rental deposit, in months of rent
}

// city is a place with a postcode and its typical rent per square metre.
type city struct {
	name, postcode string
	rent           int64 // EUR per m² and month, without service costs
}

// countries are the marketplace's countries, most accounts German.
func countries() []*country {
	return []*country{
		{code: "DE", lang: "de", dial: "+49", subscriber: 8,
			mobile: []string{"151", "152", "157", "160", "162", "170", "171", "172", "175", "176", "177", "178", "179"},
			first: []string{"Anna", "Lukas", "Lena", "Jonas", "Sophie", "Felix", "Marie", "Paul", "Laura", "Maximilian",
				"Julia", "Tobias", "Katharina", "Sebastian", "Hannah", "Jan", "Sabine", "Thomas", "Ursula", "Jürgen"},
			last: []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
				"Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger"},
			mail: []string{"gmx.de", "web.de", "t-online.de", "gmail.com", "outlook.de", "posteo.de"},
			tld:  "de", legal: "GmbH", registry: "handelsregister", trackPrefix: "00340434", trackDigits: 12,
			ipv4: []int{79, 84, 87, 91, 93},
			cities: []city{{"Berlin", "10437", 15}, {"Hamburg", "20095", 16}, {"München", "80331", 21}, {"Köln", "50667", 13},
				{"Frankfurt am Main", "60311", 16}, {"Stuttgart", "70173", 15}, {"Leipzig", "04109", 9}, {"Dresden", "01067", 9},
				{"Düsseldorf", "40210", 13}},
			streets:       []string{"Lindenstraße", "Schillerstraße", "Bahnhofstraße", "Goethestraße", "Gartenweg", "Bergstraße", "Kastanienallee"},
			depositMonths: 3},
		{code: "NL", lang: "nl", dial: "+31", subscriber: 8, mobile: []string{"6"},
			first: []string{"Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie", "Bram", "Tess", "Lars", "Anouk", "Ruben", "Fleur",
				"Thijs", "Sanne", "Jeroen", "Marieke"},
			last: []string{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
				"de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks"},
			mail: []string{"gmail.com", "hotmail.com", "ziggo.nl", "kpnmail.nl", "outlook.com"},
			tld:  "nl", legal: "B.V.", registry: "kvk", trackPrefix: "3SKMD", trackDigits: 9,
			ipv4: []int{77, 83, 145},
			cities: []city{{"Amsterdam", "1015 CJ", 25}, {"Rotterdam", "3011 AA", 17}, {"Utrecht", "3511 AA", 19},
				{"Den Haag", "2511 CV", 17}, {"Eindhoven", "5611 AA", 15}, {"Groningen", "9711 AA", 14}},
			streets:       []string{"Kerkstraat", "Molenweg", "Stationsweg", "Dorpsstraat", "Schoolstraat", "Julianalaan"},
			depositMonths: 2},
		{code: "FR", lang: "fr", dial: "+33", subscriber: 8, mobile: []string{"6", "7"},
			first: []string{"Camille", "Louis", "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Gabriel", "Inès", "Arthur", "Juliette",
				"Théo", "Élodie", "Nicolas", "Margaux", "Antoine"},
			last: []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
				"Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Fournier"},
			mail: []string{"gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr"},
			tld:  "fr", legal: "SARL", registry: "infogreffe", trackPrefix: "6A", trackDigits: 11,
			ipv4: []int{82, 86, 90, 92},
			cities: []city{{"Paris", "75011", 30}, {"Lyon", "69002", 16}, {"Marseille", "13001", 14}, {"Toulouse", "31000", 14},
				{"Lille", "59000", 15}, {"Bordeaux", "33000", 15}, {"Nantes", "44000", 14}, {"Strasbourg", "67000", 13}},
			streets:     []string{"rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire", "rue des Lilas"},
			numberFirst: true, depositMonths: 1},
		{code: "IT", lang: "it", dial: "+39", subscriber: 7,
			mobile: []string{"320", "328", "333", "339", "347", "348", "349", "366", "380", "393"},
			first: []string{"Giulia", "Francesco", "Sofia", "Alessandro", "Aurora", "Lorenzo", "Martina", "Matteo", "Chiara",
				"Leonardo", "Alessia", "Andrea", "Federica", "Marco", "Elena", "Davide"},
			last: []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
				"Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano"},
			mail: []string{"gmail.com", "libero.it", "virgilio.it", "hotmail.it", "alice.it"},
			tld:  "it", legal: "S.r.l.", registry: "registro-imprese", trackPrefix: "3UW", trackDigits: 10,
			ipv4: []int{79, 87, 151},
			cities: []city{{"Milano", "20121", 22}, {"Roma", "00184", 17}, {"Torino", "10121", 12}, {"Bologna", "40121", 15},
				{"Firenze", "50122", 17}, {"Napoli", "80133", 12}},
			streets:       []string{"Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante", "Via Mazzini"},
			depositMonths: 3},
		{code: "AT", lang: "de", dial: "+43", subscriber: 7, mobile: []string{"650", "660", "664", "676", "680", "699"},
			first: []string{"Elias", "Anna", "Maximilian", "Lena", "David", "Sarah", "Florian", "Katharina", "Stefan", "Johanna",
				"Lukas", "Theresa", "Markus", "Verena", "Matthias", "Magdalena"},
			last: []string{"Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer", "Leitner",
				"Berger", "Fuchs", "Eder", "Fischer", "Schmid", "Winkler"},
			mail: []string{"gmx.at", "gmail.com", "aon.at", "chello.at", "icloud.com"},
			tld:  "at", legal: "GmbH", registry: "firmenbuch", trackPrefix: "1000", trackDigits: 18,
			ipv4: []int{62, 80, 178},
			cities: []city{{"Wien", "1070", 14}, {"Graz", "8010", 11}, {"Linz", "4020", 10}, {"Salzburg", "5020", 14},
				{"Innsbruck", "6020", 15}},
			streets:       []string{"Mariahilfer Straße", "Herrengasse", "Hauptplatz", "Landstraße", "Kirchengasse"},
			depositMonths: 3},
	}
}

// account is a marketplace user as the generator knows them.
type account struct {
	id, kind           string
	first, last, name  string
	c                  *country
	country, idCountry string
	email, phone       string
	ip, device         string
	payments           []string
	city               city
	street             string
	address            string // hash of the shipping address
	specialty          string // a business's main category
	registered         time.Time
	// active is the account's first event: its registration, or for an
	// account older than the window the first sync of its profile.
	active time.Time
}

func (a *account) lang() string { return a.c.lang }

// newAccount invents a person (or, for kind business, a shop) in c. It
// emits nothing: callers adjust what their story needs, then call join.
func (g *gen) newAccount(id string, c *country, kind string, registered time.Time) *account {
	a := &account{id: id, kind: kind, c: c, country: c.code, first: pick(g, c.first), last: pick(g, c.last),
		registered: registered.Truncate(time.Second), city: pick(g, c.cities), street: g.street(c)}
	a.name = a.first + " " + a.last
	a.active = a.registered
	if a.registered.Before(g.start) {
		a.active = g.between(g.start, g.start.Add(10*24*time.Hour))
	}
	a.email = g.unique(func() string { return g.privateEmail(a) })
	if kind == "business" || g.chance(0.8) {
		a.phone = g.unique(func() string { return g.mobile(c) })
	}
	a.ip = g.unique(func() string { return g.ip(c) })
	a.device = g.unique(g.deviceID)
	a.payments = []string{g.unique(g.fingerprint)}
	if g.chance(0.2) {
		a.payments = append(a.payments, g.unique(g.fingerprint))
	}
	a.address = hashHex(strings.Join([]string{a.street, a.city.postcode, a.city.name, c.code}, "|"))
	if kind == "business" {
		g.business(a, pick(g, specialties()))
	}
	return a
}

// specialties are the categories shops concentrate on.
func specialties() []string {
	return []string{"cars", "rentals", "bikes", "electronics", "furniture", "fashion", "collectibles"}
}

// business turns an account into a shop of the specialty.
func (g *gen) business(a *account, specialty string) {
	names := map[string]map[string]string{
		"cars":         {"de": "Autohaus {last}", "nl": "Autobedrijf {last}", "fr": "Garage {last}", "it": "Autosalone {last}"},
		"rentals":      {"de": "{last} Immobilien", "nl": "{last} Makelaardij", "fr": "Agence {last} Immobilier", "it": "Immobiliare {last}"},
		"bikes":        {"de": "Radhaus {last}", "nl": "Fietsenwinkel {last}", "fr": "Cycles {last}", "it": "Bici {last}"},
		"electronics":  {"de": "{last} Elektronik", "nl": "{last} Electronics", "fr": "{last} Occasion Tech", "it": "{last} Elettronica"},
		"furniture":    {"de": "Vintage Möbel {last}", "nl": "{last} Design & Vintage", "fr": "Brocante {last}", "it": "Mobili {last}"},
		"fashion":      {"de": "Second-Hand-Boutique {last}", "nl": "Tweedehands Mode {last}", "fr": "Friperie {last}", "it": "Vintage Moda {last}"},
		"collectibles": {"de": "{last} Sammlerstücke", "nl": "{last} Verzamelingen", "fr": "{last} Collections", "it": "Collezionismo {last}"},
	}
	shop := fill(names[specialty][a.lang()], "{last}", a.last)
	a.specialty, a.name = specialty, shop+" "+a.c.legal
	domain := slug(shop)
	n := 0
	a.email = g.unique(func() string {
		n++
		if n == 1 {
			return "info@" + domain + "." + a.c.tld
		}
		return fmt.Sprintf("info@%s-%d.%s", domain, n, a.c.tld)
	})
}

// privateEmail is the kind of address people pick at a free-mail provider.
func (g *gen) privateEmail(a *account) string {
	f, l := slug(a.first), strings.ReplaceAll(slug(a.last), "-", "")
	var local string
	switch g.r.IntN(5) {
	case 0:
		local = f + "." + l
	case 1:
		local = fmt.Sprintf("%s.%s%d", f, l, 1+g.r.IntN(99))
	case 2:
		local = fmt.Sprintf("%s%s%d", f[:1], l, 10+g.r.IntN(990))
	case 3:
		local = fmt.Sprintf("%s%d", f, 1960+g.r.IntN(45))
	default:
		local = f + "_" + l
	}
	return local + "@" + pick(g, a.c.mail)
}

// slug lower-cases and transliterates a name for email addresses and
// domains: "Müller" → "mueller", "De Luca" → "de-luca".
func slug(s string) string {
	s = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "é", "e", "è", "e", "ê", "e", "ë", "e",
		"à", "a", "â", "a", "ç", "c", "î", "i", "ï", "i", "ô", "o", "û", "u", "ù", "u", "'", "").Replace(strings.ToLower(s))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// mobile returns an E.164 mobile number of the country.
func (g *gen) mobile(c *country) string {
	return c.dial + pick(g, c.mobile) + g.digits(c.subscriber)
}

func (g *gen) street(c *country) string {
	n := 1 + g.r.IntN(120)
	if c.numberFirst {
		return fmt.Sprintf("%d %s", n, pick(g, c.streets))
	}
	return fmt.Sprintf("%s %d", pick(g, c.streets), n)
}

// ip returns a residential-looking IPv4 address of the country, or one of
// the documentation ranges (RFC 5737, RFC 3849), as the demo must not point
// at real subscribers more than it can help.
func (g *gen) ip(c *country) string {
	switch g.weighted(55, 35, 10) {
	case 0:
		return fmt.Sprintf("%d.%d.%d.%d", pick(g, c.ipv4), 1+g.r.IntN(254), g.r.IntN(256), 1+g.r.IntN(254))
	case 1:
		return fmt.Sprintf("%s.%d", pick(g, []string{"192.0.2", "198.51.100", "203.0.113"}), 1+g.r.IntN(254))
	default:
		return fmt.Sprintf("2001:db8:%x:%x::%x", g.r.IntN(0x10000), g.r.IntN(0x10000), 1+g.r.IntN(0xfffe))
	}
}

// deviceID looks like a mobile SDK's or a browser's device fingerprint.
func (g *gen) deviceID() string {
	return pick(g, []string{"ios", "and", "and", "web"}) + "-" + g.hex(16)
}

// fingerprint looks like a payment service provider's card or SEPA
// account fingerprint.
func (g *gen) fingerprint() string {
	return pick(g, []string{"card", "card", "sepa"}) + "_fp_" + g.hex(16)
}

// population creates the ordinary accounts, ids in registration order:
// about 15% registered during the window, the rest over the two years
// before it.
func (g *gen) population() {
	regs := make([]time.Time, normalAccounts)
	for i := range regs {
		if g.chance(0.15) {
			regs[i] = g.between(g.start, g.end.Add(-3*24*time.Hour))
		} else {
			regs[i] = g.end.Add(-Window - time.Duration(g.r.Int64N(int64(670*24*time.Hour))))
		}
	}
	slices.SortFunc(regs, time.Time.Compare)
	for i, reg := range regs {
		c := g.countries[g.weighted(45, 15, 15, 12, 13)]
		kind := "private"
		if g.chance(0.14) {
			kind = "business"
		}
		a := g.newAccount(accountID(i+1), c, kind, reg)
		g.join(a, g.ordinaryVerifications(a)...)
		g.people = append(g.people, a)
	}
}

func accountID(n int) string { return fmt.Sprintf("acc-%04d", n) }

// verification is one verification.changed step.
type verification struct {
	kind, status, provider string
	after                  time.Duration
}

// ordinaryVerifications decides an ordinary account's verification steps;
// a verified identity also sets the identity document's country.
func (g *gen) ordinaryVerifications(a *account) []verification {
	// Everyone accepts the terms when signing up (R-E7's Basic level needs
	// them with a verified email).
	vs := []verification{{"terms", "verified", "kleinmarkt", 0}}
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+g.r.IntN(hi-lo+1)) * time.Minute }
	if g.chance(0.95) {
		vs = append(vs, verification{"email", "verified", "kleinmarkt", minutes(1, 30)})
	}
	if a.phone != "" && g.chance(0.8) {
		vs = append(vs, verification{"phone", "verified", "kleinmarkt", minutes(5, 3*24*60)})
	}
	if a.kind == "business" || g.chance(0.18) {
		status := []string{"verified", "verified", "verified", "verified", "verified", "verified", "verified", "verified", "pending", "failed"}[g.r.IntN(10)]
		if status == "verified" {
			a.idCountry = a.c.code
		}
		vs = append(vs, verification{"identity", status, "psp-kyc", minutes(60, 5*24*60)})
	}
	if a.kind == "business" {
		status := "verified"
		if g.chance(0.15) {
			status = "pending"
		}
		vs = append(vs, verification{"business", status, a.c.registry, minutes(120, 7*24*60)})
	}
	return vs
}

// join emits an account's profile and its verification steps.
func (g *gen) join(a *account, vs ...verification) {
	reg := a.registered
	g.emit(a.active, "account.upserted", &event.AccountUpserted{AccountID: a.id, Kind: a.kind, Email: a.email, Phone: a.phone,
		Country: a.country, IDCountry: a.idCountry, IP: a.ip, DeviceID: a.device, PaymentFingerprints: a.payments,
		RegisteredAt: &reg, DisplayName: a.name})
	for _, v := range vs {
		g.verify(a, v.kind, v.status, v.provider, a.active.Add(v.after))
	}
}

func (g *gen) verify(a *account, kind, status, provider string, at time.Time) {
	g.emit(at, "verification.changed", &event.VerificationChanged{AccountID: a.id, Kind: kind, Status: status, Provider: provider})
}

// latest returns the latest of the times.
func latest(ts ...time.Time) time.Time {
	out := ts[0]
	for _, t := range ts[1:] {
		if t.After(out) {
			out = t
		}
	}
	return out
}
