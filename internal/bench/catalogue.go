package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// This file writes listings as sellers do, for the data generator: a
// product from a catalogue (brand, model, a variant, a typical second-hand
// price), a condition, a few extras, a description of template sentences
// around them in English or German, and a price scattered around the
// product's, so that titles repeat the way real ones do (many sellers of
// the same phone), descriptions vary, and category prices have a median
// and a spread for the price check to learn.

// product is one line of the catalogue.
type product struct {
	category, brand, model string
	variants               []string
	price                  int64 // cents, very good condition
}

func catalogue() []product {
	return []product{
		{"phones", "Apple", "iPhone 13", []string{"128GB", "256GB", "512GB"}, 42000},
		{"phones", "Apple", "iPhone 14 Pro", []string{"128GB", "256GB", "1TB"}, 78000},
		{"phones", "Apple", "iPhone 12 mini", []string{"64GB", "128GB"}, 26000},
		{"phones", "Samsung", "Galaxy S23", []string{"128GB", "256GB"}, 45000},
		{"phones", "Samsung", "Galaxy A54", []string{"128GB", "256GB"}, 23000},
		{"phones", "Google", "Pixel 8 Pro", []string{"128GB", "256GB"}, 52000},
		{"phones", "Xiaomi", "Redmi Note 12", []string{"64GB", "128GB"}, 14000},
		{"electronics", "Apple", "MacBook Air M1", []string{"8GB/256GB", "16GB/512GB"}, 62000},
		{"electronics", "Apple", "iPad Air 5", []string{"64GB WiFi", "256GB Cellular"}, 42000},
		{"electronics", "Sony", "PlayStation 5", []string{"Disc Edition", "Digital Edition", "Slim"}, 38000},
		{"electronics", "Nintendo", "Switch OLED", []string{"white", "neon"}, 24000},
		{"electronics", "Sony", "WH-1000XM4", []string{"black", "silver"}, 14000},
		{"electronics", "Canon", "EOS 250D", []string{"body", "with 18-55 mm"}, 42000},
		{"electronics", "Dyson", "V11 Absolute", []string{"", "with wall mount"}, 26000},
		{"electronics", "DJI", "Mini 3", []string{"", "Fly More Combo"}, 38000},
		{"furniture", "IKEA", "Kallax shelf", []string{"2x4", "4x4", "1x4"}, 6000},
		{"furniture", "IKEA", "Pax wardrobe", []string{"150 cm", "200 cm"}, 15000},
		{"furniture", "Vitra", "Eames Plastic Side Chair", []string{"white", "black", "set of 2"}, 32000},
		{"furniture", "USM", "Haller sideboard", []string{"2 elements", "3 elements"}, 145000},
		{"furniture", "", "Solid oak dining table", []string{"160 cm", "180 cm", "200 cm"}, 45000},
		{"furniture", "", "Chesterfield sofa", []string{"brown leather", "green velvet"}, 85000},
		{"fashion", "Levi's", "501 jeans", []string{"W30/L32", "W32/L32", "W34/L34"}, 4000},
		{"fashion", "Barbour", "Beaufort wax jacket", []string{"M", "L", "XL"}, 14000},
		{"fashion", "Nike", "Air Max 90", []string{"size 41", "size 42", "size 44"}, 7000},
		{"fashion", "Dr. Martens", "1460 boots", []string{"size 38", "size 40", "size 43"}, 8000},
		{"fashion", "Canada Goose", "parka", []string{"S", "M"}, 45000},
		{"bikes", "Gazelle", "Orange C7", []string{"49 cm", "54 cm", "57 cm"}, 55000},
		{"bikes", "Cube", "Reaction Pro 29\"", []string{"M", "L"}, 65000},
		{"bikes", "Brompton", "M6L", []string{"black", "racing green"}, 110000},
		{"bikes", "Canyon", "Endurace CF 7", []string{"S", "M", "L"}, 160000},
		{"bikes", "Puky", "kids' bike 16\"", []string{"blue", "pink"}, 9000},
		{"cars", "Volkswagen", "Golf 1.5 TSI", []string{"2018", "2019", "2020"}, 1650000},
		{"cars", "Opel", "Corsa 1.2", []string{"2017", "2019"}, 950000},
		{"cars", "BMW", "320d Touring", []string{"2016", "2018", "2020"}, 2250000},
		{"cars", "Toyota", "Yaris Hybrid", []string{"2019", "2021"}, 1550000},
		{"collectibles", "LEGO", "Millennium Falcon 75192", []string{"sealed", "built, complete"}, 85000},
		{"collectibles", "Pokémon", "card collection", []string{"200 cards", "500 cards incl. holos"}, 12000},
		{"collectibles", "Märklin", "H0 steam locomotive", []string{"BR 01", "BR 44"}, 18000},
		{"collectibles", "Omega", "Seamaster 1960s", []string{"", "with box"}, 180000},
	}
}

// conditionNames are the conditions per language (English, German),
// best first.
func conditionNames(lang int) []string {
	return [2][]string{
		{"as new", "very good condition", "good condition", "well used"},
		{"wie neu", "sehr guter Zustand", "guter Zustand", "gebraucht"},
	}[lang]
}

// conditionFactor scales a catalogue price by condition.

func conditionFactor(i int) float64 { return []float64{1.1, 1.0, 0.85, 0.65}[i] }

// sentences are the description's building blocks per language; {item},
// {condition}, {city} and {extra} are filled in.
func sentences(lang int) [][]string {
	if lang == 1 {
		return [][]string{
			{"Verkaufe {item} in {condition}.", "Biete hier {item} an, {condition}.", "{item} zu verkaufen, {condition}."},
			{"Kaum benutzt, immer pfleglich behandelt.", "Leichte Gebrauchsspuren, alles funktioniert einwandfrei.", "Nichtraucherhaushalt, keine Haustiere.",
				"Original-Rechnung vorhanden.", "Wurde regelmäßig gewartet.", "Mit {extra}."},
			{"Abholung in {city} oder Versand gegen Aufpreis.", "Nur Abholung in {city}.", "Versand möglich, Abholung in {city} bevorzugt."},
			{"Privatverkauf, keine Garantie oder Rücknahme.", "Bei Fragen gerne melden.", "Preis ist fest.", "Preis verhandelbar."},
		}
	}
	return [][]string{
		{"Selling my {item}, {condition}.", "For sale: {item} in {condition}.", "{item}, {condition}, looking for a new home."},
		{"Hardly used and always looked after.", "Light signs of use, everything works perfectly.", "From a smoke-free home without pets.",
			"Original receipt included.", "Serviced regularly.", "Comes with {extra}."},
		{"Pick-up in {city} or shipping at the buyer's cost.", "Collection only, in {city}.", "Can ship; pick-up in {city} preferred."},
		{"Private sale, no warranty or returns.", "Happy to answer questions.", "Price is firm.", "Open to reasonable offers."},
	}
}

// extras are what comes with an item, per language.
func extras(lang int) []string {
	if lang == 1 {
		return []string{"Originalverpackung", "Ersatzladegerät", "Schutzhülle", "allen Anleitungen", "zwei Ersatzbändern", "Rechnung", "Abdeckung"}
	}
	return []string{"the original box", "a spare charger", "a protective case", "all manuals", "two extra straps", "the receipt", "a cover"}
}

func cities() []string {
	return []string{"Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Leipzig", "Dresden", "Utrecht", "Amsterdam", "Wien",
		"Graz", "Lyon", "Rotterdam", "Stuttgart", "Bremen", "Hannover", "Nürnberg", "Linz", "Gent", "Antwerpen"}
}

// listingText is one listing's title, description, category and price.
type listingText struct {
	title, description, category string
	price                        int64
}

// writer writes listings; its tables are built once.
type writer struct {
	cat       []product
	sentences [2][][]string
	extras    [2][]string
	cities    []string
}

func newWriter() *writer {
	return &writer{cat: catalogue(), sentences: [2][][]string{sentences(0), sentences(1)}, extras: [2][]string{extras(0), extras(1)}, cities: cities()}
}

// listing writes a listing from r: most are ordinary; some carry a phone
// number or an email address in the description, and a few are priced far
// under the product's market.
func (w *writer) listing(r *rand.Rand) listingText {
	cat, cities := w.cat, w.cities
	p := cat[popular(r, len(cat))]
	lang := 0
	if r.IntN(3) == 0 {
		lang = 1
	}
	cond := r.IntN(4)
	variant := p.variants[r.IntN(len(p.variants))]
	item := strings.TrimSpace(strings.Join([]string{p.brand, p.model, variant}, " "))
	item = strings.Join(strings.Fields(item), " ")
	title := item
	switch r.IntN(4) {
	case 0:
		title += ", " + conditionNames(lang)[cond]
	case 1:
		title += " - " + conditionNames(lang)[cond]
	case 2:
		title = strings.ToUpper(title[:1]) + title[1:] + " !!"
	}
	extras, parts := w.extras[lang], w.sentences[lang]
	var desc []string
	for i, group := range parts {
		if i > 0 && r.IntN(4) == 0 {
			continue
		}
		desc = append(desc, group[r.IntN(len(group))])
		if i == 1 && r.IntN(2) == 0 {
			desc = append(desc, group[r.IntN(len(group))])
		}
	}
	text := strings.NewReplacer("{item}", item, "{condition}", conditionNames(lang)[cond], "{city}", cities[r.IntN(len(cities))],
		"{extra}", extras[r.IntN(len(extras))]).Replace(strings.Join(desc, " "))
	switch n := r.IntN(100); {
	case n < 3:
		text += fmt.Sprintf(" Call or WhatsApp 0151 %04d %04d.", r.IntN(10000), r.IntN(10000))
	case n < 5:
		text += fmt.Sprintf(" Write to %s%d@mail.example for details.", strings.ToLower(strings.Fields(cities[r.IntN(len(cities))])[0]), r.IntN(1000))
	}
	// Prices scatter around the product's by ±15% (normal), rounded as
	// people do; one in a hundred is a "bargain" at a third.
	f := conditionFactor(cond) * math.Max(0.5, 1+0.15*r.NormFloat64())
	if r.IntN(100) == 0 {
		f *= 0.33
	}
	price := int64(float64(p.price) * f)
	step := int64(500)
	if price > 200000 {
		step = 5000
	}
	price = max(step, (price+step/2)/step*step)
	return listingText{title: title, description: text, category: p.category, price: price}
}

// popular picks an index of n with the first ones far more often, as a
// few models dominate a marketplace.
func popular(r *rand.Rand, n int) int {
	return min(n-1, int(float64(n)*math.Pow(r.Float64(), 1.6)))
}

// editListing is a seller's re-post of l: the same item, the title
// lightly edited and the description reworded in places — the
// near-duplicates the checks look for.
func editListing(r *rand.Rand, l listingText) listingText {
	out := l
	switch r.IntN(3) {
	case 0:
		out.title = strings.ToLower(l.title)
	case 1:
		out.title = l.title + " NEW PRICE"
	default:
		out.title = strings.ReplaceAll(l.title, " ", "  ")
	}
	words := strings.Fields(l.description)
	if len(words) > 6 {
		i := r.IntN(len(words))
		words = append(words[:i], words[i+1:]...)
	}
	out.description = strings.Join(words, " ")
	out.price = max(500, l.price*int64(90+r.IntN(10))/100/500*500)
	return out
}
