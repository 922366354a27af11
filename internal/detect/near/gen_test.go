package near

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
)

// This file generates synthetic marketplace listings for the tests and
// benchmarks: titles built like real ones (brand, model, size, colour,
// condition, extras, in several languages, popular models far more common
// than rare ones) and descriptions of a few template sentences around them.

// product is one line of a catalogue: brand and model, and the attributes
// sellers put after them.
type product struct {
	brand, model string
	sizes        []string
}

var catalogue = []product{
	{"Apple", "iPhone 13 Pro", []string{"128GB", "256GB", "512GB", "1TB"}},
	{"Apple", "iPhone 12", []string{"64GB", "128GB", "256GB"}},
	{"Apple", "iPhone 15", []string{"128GB", "256GB"}},
	{"Apple", "MacBook Air M1", []string{"8GB 256GB", "16GB 512GB"}},
	{"Apple", "iPad Pro 11", []string{"128GB", "256GB", "WiFi", "Cellular"}},
	{"Apple", "AirPods Pro 2", nil},
	{"Samsung", "Galaxy S23 Ultra", []string{"256GB", "512GB"}},
	{"Samsung", "Galaxy A54", []string{"128GB", "256GB"}},
	{"Samsung", "Galaxy Tab S8", []string{"128GB", "256GB"}},
	{"Google", "Pixel 8 Pro", []string{"128GB", "256GB"}},
	{"Xiaomi", "Redmi Note 12", []string{"64GB", "128GB"}},
	{"Sony", "PlayStation 5", []string{"Disc Edition", "Digital Edition", "Slim"}},
	{"Sony", "WH-1000XM5", nil},
	{"Nintendo", "Switch OLED", []string{"32GB", "64GB"}},
	{"Microsoft", "Xbox Series X", []string{"1TB"}},
	{"Nike", "Air Max 90", []string{"40", "41", "42", "43", "44", "45"}},
	{"Nike", "Air Force 1", []string{"38", "39", "40", "42", "44"}},
	{"Adidas", "Stan Smith", []string{"38", "40", "42", "44"}},
	{"Adidas", "Ultraboost 22", []string{"41", "42", "43", "44"}},
	{"Levi's", "501 Jeans", []string{"W30 L32", "W32 L32", "W34 L34"}},
	{"Zara", "Wollmantel", []string{"S", "M", "L"}},
	{"H&M", "Sommerkleid", []string{"XS", "S", "M", "L"}},
	{"The North Face", "Nuptse Jacket", []string{"S", "M", "L", "XL"}},
	{"IKEA", "Kallax Regal", []string{"2x2", "2x4", "4x4"}},
	{"IKEA", "Billy Bücherregal", []string{"80x202", "40x202"}},
	{"IKEA", "Malm Kommode", []string{"3 Schubladen", "6 Schubladen"}},
	{"Gazelle", "Orange C7", []string{"49cm", "53cm", "57cm"}},
	{"Cube", "Aim Race", []string{"27.5", "29", "M", "L"}},
	{"Bosch", "PSB 750", nil},
	{"Makita", "DHP482 Akkuschrauber", []string{"18V", "2x 3Ah"}},
	{"Dyson", "V11 Absolute", nil},
	{"Philips", "Airfryer XXL", nil},
	{"De'Longhi", "Magnifica S", nil},
	{"Lego", "Technic 42143", nil},
	{"Lego", "Star Wars 75192 Millennium Falcon", nil},
	{"Canon", "EOS R6", []string{"Body", "Kit 24-105"}},
	{"Rolex", "Submariner", []string{"41mm", "40mm"}},
	{"Louis Vuitton", "Neverfull MM", nil},
	{"Gucci", "Marmont Tasche", nil},
	{"Stokke", "Tripp Trapp", nil},
	{"Bugaboo", "Fox 3 Kinderwagen", nil},
}

var (
	colours = [][]string{
		{"black", "white", "blue", "red", "green", "silver", "gold", "grey"},
		{"schwarz", "weiß", "blau", "rot", "grün", "silber", "gold", "grau"},
		{"noir", "blanc", "bleu", "rouge", "vert", "argent", "doré", "gris"},
		{"nero", "bianco", "blu", "rosso", "verde", "argento", "oro", "grigio"},
		{"zwart", "wit", "blauw", "rood", "groen", "zilver", "goud", "grijs"},
		{"negro", "blanco", "azul", "rojo", "verde", "plata", "dorado", "gris"},
	}
	conditions = [][]string{
		{"new", "like new", "used", "good condition", "barely used", "mint", "with box"},
		{"neu", "wie neu", "gebraucht", "guter Zustand", "kaum benutzt", "neuwertig", "OVP"},
		{"neuf", "comme neuf", "occasion", "bon état", "très bon état", "jamais servi", "avec boîte"},
		{"nuovo", "come nuovo", "usato", "buone condizioni", "poco usato", "perfetto", "con scatola"},
		{"nieuw", "zo goed als nieuw", "gebruikt", "goede staat", "weinig gebruikt", "als nieuw", "in doos"},
		{"nuevo", "como nuevo", "usado", "buen estado", "poco uso", "impecable", "con caja"},
	}
	extras = []string{
		"original", "OVP", "TOP", "!!!", "Rechnung", "invoice", "garantie", "warranty",
		"+ case", "+ Hülle", "inkl. Ladekabel", "avec chargeur", "con caricatore",
		"Versand möglich", "only pickup", "Abholung Berlin", "Amsterdam", "Paris 11e",
		"Milano", "München", "Rotterdam", "Lyon", "2022", "2023", "2021", "unlocked",
		"dual sim", "refurbished", "fattura", "factuur", "VB", "OBO", "negotiable",
	}
	fillers = []string{
		"super", "top", "original", "echt", "genuine", "vintage", "rare", "selten",
		"urgent", "dringend", "cheap", "günstig", "pas cher", "affare", "koopje",
	}
	sentences = [][]string{
		{
			"Selling my {item} because I upgraded.", "The {model} is in {cond} and works perfectly.",
			"Comes with the original box and charger.", "No scratches, always used with a case.",
			"Pickup in {city} or shipping at the buyer's cost.", "Price is firm, no trades please.",
			"Smoke-free and pet-free home.", "Battery health is still very good.",
			"Receipt available, remaining warranty can be transferred.", "Please only serious offers.",
		},
		{
			"Verkaufe meinen {item}, da ich ein neues Gerät habe.", "Der {model} ist in {cond} und funktioniert einwandfrei.",
			"Originalverpackung und Ladekabel sind dabei.", "Keine Kratzer, immer mit Hülle benutzt.",
			"Abholung in {city} oder Versand gegen Aufpreis.", "Festpreis, kein Tausch.",
			"Nichtraucherhaushalt ohne Haustiere.", "Privatverkauf, keine Garantie oder Rücknahme.",
			"Rechnung vorhanden.", "Bitte nur ernst gemeinte Anfragen.",
		},
		{
			"Je vends mon {item} car j'ai changé de modèle.", "Le {model} est en {cond} et fonctionne parfaitement.",
			"Livré avec la boîte d'origine et le chargeur.", "Aucune rayure, toujours utilisé avec une coque.",
			"Remise en main propre à {city} ou envoi à la charge de l'acheteur.", "Prix ferme, pas d'échange.",
			"Maison non fumeur sans animaux.", "Facture disponible.", "Merci de ne pas me contacter pour des échanges.",
		},
		{
			"Vendo il mio {item} perché ho cambiato telefono.", "Il {model} è in {cond} e funziona perfettamente.",
			"Con scatola originale e caricatore.", "Nessun graffio, sempre usato con la cover.",
			"Ritiro a mano a {city} oppure spedizione a carico dell'acquirente.", "Prezzo non trattabile.",
			"Casa senza fumatori e senza animali.", "Fattura disponibile.",
		},
		{
			"Ik verkoop mijn {item} omdat ik een nieuwe heb.", "De {model} is in {cond} en werkt perfect.",
			"Met originele doos en oplader.", "Geen krassen, altijd met hoesje gebruikt.",
			"Ophalen in {city} of verzenden op kosten van de koper.", "Vaste prijs, niet ruilen.",
			"Rookvrij huis zonder huisdieren.", "Bon aanwezig.",
		},
	}
	cities = []string{"Berlin", "Hamburg", "München", "Köln", "Paris", "Lyon", "Milano", "Roma", "Amsterdam", "Utrecht", "Madrid", "Wien", "Zürich"}
)

// listing is one synthetic listing.
type listing struct {
	id, seller, title, description string
}

// genListing builds listing i of a data set deterministically from i, so a
// benchmark can regenerate any listing instead of keeping a million texts.
func genListing(i int) listing {
	r := rand.New(rand.NewPCG(0x5eed, uint64(i)))
	p := catalogue[skewed(r, len(catalogue))]
	lang := r.IntN(len(colours))
	var w []string
	if r.IntN(5) > 0 {
		w = append(w, p.brand)
	}
	w = append(w, p.model)
	if len(p.sizes) > 0 && r.IntN(4) > 0 {
		w = append(w, pick(r, p.sizes))
	}
	if r.IntN(3) > 0 {
		w = append(w, pick(r, colours[lang]))
	}
	condition := pick(r, conditions[lang])
	if r.IntN(2) == 0 {
		w = append(w, condition)
	}
	for range r.IntN(3) {
		w = append(w, pick(r, extras))
	}
	title := strings.Join(w, " ")
	if r.IntN(4) == 0 {
		title = strings.Replace(title, " ", " - ", 1)
	}

	city := pick(r, cities)
	tmpl := sentences[min(lang, len(sentences)-1)]
	var d []string
	for _, k := range r.Perm(len(tmpl))[:4+r.IntN(len(tmpl)-4)] {
		s := strings.ReplaceAll(tmpl[k], "{item}", p.brand+" "+p.model)
		s = strings.ReplaceAll(s, "{model}", p.model)
		s = strings.ReplaceAll(s, "{cond}", condition)
		d = append(d, strings.ReplaceAll(s, "{city}", city))
	}
	return listing{
		id:          fmt.Sprintf("0190%04x-%04x-7%03x-8%03x-%012x", i>>16&0xffff, i&0xffff, r.IntN(4096), r.IntN(4096), r.Uint64()&0xffffffffffff),
		seller:      fmt.Sprintf("seller-%d", skewed(r, 200_000)),
		title:       title,
		description: strings.Join(d, " "),
	}
}

// skewed picks an index below n with small indexes far more common (the
// product of two uniforms), as popularity is spread in real catalogues and
// seller bases.
func skewed(r *rand.Rand, n int) int {
	return int(float64(n) * r.Float64() * r.Float64())
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// variant edits text the ways sellers re-list or disguise a copy: case,
// spacing, punctuation, swapped words, typos, an added or dropped word.
func variant(r *rand.Rand, text string, edits int) string {
	w := strings.Fields(text)
	for range edits {
		if len(w) == 0 {
			break
		}
		i := r.IntN(len(w))
		switch r.IntN(8) {
		case 0: // case
			if r.IntN(2) == 0 {
				w[i] = strings.ToUpper(w[i])
			} else {
				w[i] = strings.ToLower(w[i])
			}
		case 1: // spacing: split a number from its unit or join two words
			if j := strings.IndexFunc(w[i], unicode.IsLetter); j > 0 && unicode.IsDigit(rune(w[i][j-1])) {
				w = append(w[:i], append([]string{w[i][:j], w[i][j:]}, w[i+1:]...)...)
			} else if i+1 < len(w) {
				w = append(w[:i], append([]string{w[i] + w[i+1]}, w[i+2:]...)...)
			}
		case 2: // punctuation
			w[i] += pick(r, []string{",", "!", " -", " /", ".", " |"})
		case 3: // swap neighbours
			if i+1 < len(w) {
				w[i], w[i+1] = w[i+1], w[i]
			}
		case 4, 5: // typo
			w[i] = typo(r, w[i])
		case 6: // added word
			w = append(w[:i], append([]string{pick(r, fillers)}, w[i:]...)...)
		case 7: // dropped word
			if len(w) > 3 {
				w = append(w[:i], w[i+1:]...)
			}
		}
	}
	return strings.Join(w, " ")
}

// typo replaces, drops, doubles or transposes one letter of word.
func typo(r *rand.Rand, word string) string {
	rs := []rune(word)
	if len(rs) < 3 {
		return word
	}
	i := 1 + r.IntN(len(rs)-2)
	switch r.IntN(4) {
	case 0:
		rs[i] = rune('a' + r.IntN(26))
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	case 2:
		rs = append(rs[:i], append([]rune{rs[i]}, rs[i:]...)...)
	default:
		rs[i], rs[i-1] = rs[i-1], rs[i]
	}
	return string(rs)
}
