package demo

import (
	"fmt"
	"math"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// listing is a listing as the generator knows it.
type listing struct {
	id        string
	seller    *account
	category  string
	item      string // what people call it in messages
	price     int64  // cents
	at        time.Time
	shippable bool // goods are sold and shipped; cars and flats are viewed
	photos    []Photo
}

// item is a thing people sell, with its typical second-hand price in very
// good condition.
type item struct {
	name  string
	price int64 // cents
}

// goodsCatalogue lists what is sold per goods category.
func goodsCatalogue() map[string][]item {
	return map[string][]item{
		"electronics": {{"iPhone 13 128 GB", 42000}, {"iPhone 14 Pro 256 GB", 78000}, {"Samsung Galaxy S23 128 GB", 45000},
			{"MacBook Air M1 8 GB/256 GB", 62000}, {"iPad Air (5th gen) 64 GB", 42000}, {"Nintendo Switch OLED", 24000},
			{"PlayStation 5 Disc Edition", 38000}, {"Sony WH-1000XM4", 14000}, {"Canon EOS 250D + 18-55 mm", 42000},
			{"Dyson V11 Absolute", 26000}, {"Garmin Forerunner 255", 18000}, {"Bose SoundLink Flex", 9000},
			{"DJI Mini 3", 38000}, {"Kindle Paperwhite (2021)", 9000}, {"AirPods Pro (2nd gen)", 16000}},
		"furniture": {{"IKEA Kallax 4x4", 6000}, {"Vitra Eames Plastic Side Chair (2x)", 32000}, {"USM Haller sideboard", 145000},
			{"Solid oak dining table 180 cm", 45000}, {"Chesterfield sofa, brown leather", 85000}, {"Thonet 214 bentwood chair", 18000},
			{"IKEA Pax wardrobe 200 cm", 15000}, {"Mid-century teak sideboard", 65000}, {"Artemide Tolomeo desk lamp", 14000},
			{"Boxspring bed 160x200", 40000}},
		"fashion": {{"Levi's 501 W32/L32", 4000}, {"Barbour Beaufort wax jacket, L", 14000}, {"Nike Air Max 90, 42", 7000},
			{"Patagonia Better Sweater, M", 6000}, {"Dr. Martens 1460, 39", 8000}, {"Burberry trench coat, 38", 22000},
			{"Adidas Samba OG, 41", 7500}, {"Longchamp Le Pliage", 6500}, {"Canada Goose parka, S", 45000},
			{"Ray-Ban Wayfarer", 7000}},
		"bikes": {{"Gazelle Orange C7", 55000}, {"Cube Reaction Pro 29\"", 65000}, {"Brompton M6L", 110000},
			{"Canyon Endurace CF 7, M", 160000}, {"VanMoof S3", 120000}, {"Puky kids' bike 16\"", 9000},
			{"Riese & Müller Load 75", 420000}, {"Batavus Dinsdag", 35000}, {"Croozer Kid for 2 bike trailer", 30000},
			{"Specialized Rockhopper 29\"", 45000}},
		"collectibles": {{"LEGO Star Wars 75192 Millennium Falcon (sealed)", 85000}, {"Pokémon cards, 200 incl. holos", 12000},
			{"Märklin H0 BR 01 steam locomotive", 18000}, {"Swatch collection 1990s, 12 watches", 35000},
			{"Beatles LPs, original pressings (5)", 40000}, {"Panini World Cup 1990 album, complete", 15000},
			{"Asterix comics, first editions", 25000}, {"Matchbox cars 1970s, 30 pieces", 9000},
			{"Leica M3 camera body", 160000}, {"Omega Seamaster 1960s", 180000}},
	}
}

// car is a model people sell, with its price new in EUR.
type car struct {
	make, model, engine, fuel, gearbox string
	newPrice                           int64
}

func cars() []car {
	return []car{
		{"Volkswagen", "Golf", "1.5 TSI", "petrol", "manual", 29000}, {"Volkswagen", "Polo", "1.0 TSI", "petrol", "manual", 20000},
		{"Opel", "Corsa", "1.2", "petrol", "manual", 18000}, {"BMW", "320d Touring", "", "diesel", "automatic", 48000},
		{"Audi", "A4 Avant", "2.0 TDI", "diesel", "automatic", 46000}, {"Mercedes-Benz", "C 200", "", "petrol", "automatic", 47000},
		{"Škoda", "Octavia Combi", "2.0 TDI", "diesel", "manual", 31000}, {"Renault", "Clio", "1.0 TCe", "petrol", "manual", 18000},
		{"Peugeot", "208", "1.2 PureTech", "petrol", "manual", 19000}, {"Fiat", "500", "1.2", "petrol", "manual", 15000},
		{"Toyota", "Yaris", "Hybrid", "hybrid", "automatic", 23000}, {"Ford", "Focus", "1.0 EcoBoost", "petrol", "manual", 24000},
		{"Tesla", "Model 3", "Long Range", "electric", "automatic", 50000}, {"Citroën", "C3", "1.2 PureTech", "petrol", "manual", 17000},
		{"Volvo", "V60", "D4", "diesel", "automatic", 45000}, {"Dacia", "Duster", "1.5 dCi", "diesel", "manual", 17000},
	}
}

// conditionFactors scale a catalogue price by condition, best first (the
// order of phrases.conditions).
func conditionFactors() []float64 { return []float64{1.05, 0.95, 0.8, 0.6} }

// market publishes the ordinary listings: shops list often and mostly in
// their specialty, about half the private accounts list now and then.
func (g *gen) market() {
	var sellers []*account
	var weights []int
	for _, a := range g.people {
		switch {
		case a.kind == "business":
			sellers, weights = append(sellers, a), append(weights, 7)
		case g.chance(0.55):
			sellers, weights = append(sellers, a), append(weights, 2)
		}
	}
	for range normalListings {
		s := sellers[g.weighted(weights...)]
		g.publish(g.newListing(s, g.category(s), g.between(s.active.Add(30*time.Minute), g.end.Add(-3*time.Hour))))
	}
}

// category draws what a seller lists next.
func (g *gen) category(s *account) string {
	if s.specialty != "" && g.chance(0.85) {
		return s.specialty
	}
	all := []string{"electronics", "furniture", "fashion", "bikes", "collectibles", "cars", "rentals"}
	return all[g.weighted(25, 16, 20, 12, 10, 9, 8)]
}

// newListing invents a listing of the category.
func (g *gen) newListing(s *account, cat string, at time.Time) (*listing, *event.ListingUpserted) {
	l := &listing{id: g.nextID("lst"), seller: s, category: cat, at: at}
	p := &event.ListingUpserted{ListingID: l.id, AccountID: s.id, Category: cat,
		Location: &event.Location{Postcode: s.city.postcode, City: s.city.name, Country: s.country}}
	switch cat {
	case "cars":
		g.carListing(l, p)
	case "rentals":
		g.rentalListing(l, p)
	default:
		g.goodsListing(l, p)
	}
	l.price = p.Price.Amount
	// A few listings come without photos, as real ones do.
	if n := g.weighted(3, 20, 25, 22, 15, 10, 5); n > 0 {
		p.Images = g.listingPhotos(l, n)
	}
	return l, p
}

func (g *gen) goodsListing(l *listing, p *event.ListingUpserted) {
	lx := g.lex[l.seller.lang()]
	it := pick(g, goodsCatalogue()[l.category])
	cond := g.weighted(20, 35, 30, 15)
	l.item, l.shippable = it.name, true
	p.Title = it.name
	switch g.r.IntN(3) {
	case 0:
		p.Title += " – " + lx.conditions[cond]
	case 1:
		p.Title += ", " + lx.conditions[cond]
	}
	p.Description = fill(pick(g, lx.describe), "{item}", it.name, "{cond}", lx.conditions[cond], "{city}", l.seller.city.name)
	factor := conditionFactors()[cond] * (0.85 + 0.3*g.r.Float64())
	p.Price = euro(roundTo(int64(float64(it.price)*factor), 500))
}

func (g *gen) carListing(l *listing, p *event.ListingUpserted) {
	lx := g.lex[l.seller.lang()]
	c := pick(g, cars())
	age := 2 + g.r.IntN(15)
	year := g.end.Year() - age
	km := int64(age) * int64(8000+g.r.IntN(10000))
	value := float64(c.newPrice) * math.Pow(0.88, float64(age)) * max(0.5, 1-float64(km)/400_000)
	name := c.make + " " + c.model
	if c.engine != "" {
		name += " " + c.engine
	}
	l.item = name
	p.Title = fmt.Sprintf("%s, %d, %s km", name, year, thousands(km, lx.thousands))
	p.Description = fill(lx.carText, "{car}", name, "{year}", fmt.Sprint(year), "{km}", thousands(km, lx.thousands), "{city}", l.seller.city.name)
	p.Price = euro(roundTo(int64(value)*100, 10000))
	p.Attributes = map[string]any{"make": c.make, "model": c.model, "year": year, "mileage_km": km, "fuel": c.fuel, "gearbox": c.gearbox}
}

func (g *gen) rentalListing(l *listing, p *event.ListingUpserted) {
	s := l.seller
	rooms := 1 + g.weighted(25, 40, 25, 10)
	size := int64(rooms*22 + 10 + g.r.IntN(25))
	rent := roundTo(size*s.city.rent*100, 1000)
	costs := roundTo(size*int64(200+g.r.IntN(150)), 1000)
	from := g.after(l.at, 14*24*time.Hour, 60*24*time.Hour)
	from = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	g.rental(l, p, rentalTerms{rooms: rooms, size: size, rent: rent, costs: costs, deposit: rent * s.c.depositMonths, from: from,
		street: s.street, city: s.city, country: s.country})
}

// rentalTerms are what a rental listing says about the flat.
type rentalTerms struct {
	rooms                int
	size                 int64
	rent, costs, deposit int64 // cents per month; the deposit once
	from                 time.Time
	street               string
	city                 city
	country              string
}

// rental fills a rental listing from its terms in the seller's language.
// The price is the monthly total a tenant pays; the attributes split it.
func (g *gen) rental(l *listing, p *event.ListingUpserted, t rentalTerms) {
	lx := g.lex[l.seller.lang()]
	kv := []string{"{rooms}", fmt.Sprint(t.rooms), "{size}", fmt.Sprint(t.size), "{city}", t.city.name,
		"{rent}", eur(t.rent), "{costs}", eur(t.costs), "{deposit}", eur(t.deposit), "{from}", t.from.Format(lx.dateFmt)}
	l.item = fill(lx.rentTitle, kv...)
	p.Title = l.item
	p.Description = fill(lx.rentText, kv...)
	p.Price = euro(t.rent + t.costs)
	p.Attributes = map[string]any{"rent_monthly": t.rent, "service_costs": t.costs, "deposit": t.deposit,
		"available_from": t.from.Format(time.DateOnly), "rooms": t.rooms, "size_m2": t.size}
	p.Location = &event.Location{Street: t.street, Postcode: t.city.postcode, City: t.city.name, Country: t.country}
}

// publish emits a listing and what its owner does with it later: some
// lower the price, some confirm it is still available (most landlords do).
func (g *gen) publish(l *listing, p *event.ListingUpserted) {
	if !g.list(l, p) {
		return
	}
	if l.category != "rentals" && g.chance(0.08) {
		cheaper := *p
		cheaper.Price = euro(roundTo(p.Price.Amount*9/10, 500))
		g.emit(g.after(l.at, 2*24*time.Hour, 20*24*time.Hour), "listing.upserted", &cheaper)
	}
	reconfirm := 0.1
	if l.category == "rentals" {
		reconfirm = 0.45
	}
	if g.chance(reconfirm) {
		g.emit(g.after(l.at, 5*24*time.Hour, 25*24*time.Hour), "listing.reconfirmed", &event.ListingRef{ListingID: l.id, AccountID: l.seller.id})
	}
}

// list emits a listing as it is.
func (g *gen) list(l *listing, p *event.ListingUpserted) bool {
	if !g.emit(l.at, "listing.upserted", p) {
		return false
	}
	g.listings = append(g.listings, l)
	return true
}

// thousands formats n with a thousands separator.
func thousands(n int64, sep string) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}
