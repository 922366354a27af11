package near

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file generates a marketplace corpus for the recall test and the
// lookup benchmark: listings of four verticals (second-hand goods, cars,
// real estate, collectibles) in English, German, French and Spanish, each a
// title and a description filled from templates. Brands, products and
// features come from word lists; model codes, street, district, artist and
// series names, prices, years, mileages and surfaces are drawn freely, so
// the vocabulary grows with the corpus and two unrelated listings are
// rarely near-duplicates, while listings of one vertical and language still
// share their boilerplate the way real ones do. Listing i is a pure
// function of i, so a test can regenerate any listing from its id instead
// of keeping a million texts.

// corpusLangs is the number of languages; every per-language list below has
// one entry per language, in the order en, de, fr, es.
const corpusLangs = 4

// tr is one word or phrase in every corpus language.
type tr [corpusLangs]string

// goodsLine is a kind of second-hand article and the brands it is sold
// under; attr says which attribute sellers give (size, capacity,
// dimensions).
type goodsLine struct {
	name   tr
	brands []string
	attr   string
}

var corpusGoods = []goodsLine{
	{tr{"sofa", "Sofa", "canapé", "sofá"}, []string{"IKEA", "BoConcept", "Roche Bobois", "Hay", "Muuto"}, "dims"},
	{tr{"dining table", "Esstisch", "table à manger", "mesa de comedor"}, []string{"IKEA", "Vitra", "Habitat", "Kave Home"}, "dims"},
	{tr{"office chair", "Bürostuhl", "chaise de bureau", "silla de oficina"}, []string{"Herman Miller", "Steelcase", "IKEA", "Haworth"}, ""},
	{tr{"wardrobe", "Kleiderschrank", "armoire", "armario"}, []string{"IKEA", "Pax", "Wiemann", "Conforama"}, "dims"},
	{tr{"bicycle", "Fahrrad", "vélo", "bicicleta"}, []string{"Trek", "Giant", "Cube", "Specialized", "Gazelle", "Orbea"}, "frame"},
	{tr{"e-bike", "E-Bike", "vélo électrique", "bicicleta eléctrica"}, []string{"Cube", "Haibike", "Riese & Müller", "VanMoof", "Gazelle"}, "frame"},
	{tr{"stroller", "Kinderwagen", "poussette", "carrito de bebé"}, []string{"Bugaboo", "Cybex", "Joolz", "Stokke", "Maxi-Cosi"}, ""},
	{tr{"washing machine", "Waschmaschine", "lave-linge", "lavadora"}, []string{"Bosch", "Siemens", "Miele", "AEG", "Samsung"}, "kg"},
	{tr{"fridge", "Kühlschrank", "réfrigérateur", "frigorífico"}, []string{"Liebherr", "Bosch", "LG", "Samsung", "Beko"}, "litres"},
	{tr{"laptop", "Laptop", "ordinateur portable", "portátil"}, []string{"Apple", "Lenovo", "Dell", "HP", "Asus", "Acer"}, "storage"},
	{tr{"smartphone", "Handy", "smartphone", "móvil"}, []string{"Apple", "Samsung", "Google", "Xiaomi", "OnePlus", "Huawei"}, "storage"},
	{tr{"tablet", "Tablet", "tablette", "tableta"}, []string{"Apple", "Samsung", "Lenovo", "Microsoft"}, "storage"},
	{tr{"headphones", "Kopfhörer", "casque audio", "auriculares"}, []string{"Sony", "Bose", "Sennheiser", "JBL", "Beats"}, ""},
	{tr{"camera", "Kamera", "appareil photo", "cámara"}, []string{"Canon", "Nikon", "Sony", "Fujifilm", "Olympus", "Leica"}, "mp"},
	{tr{"lens", "Objektiv", "objectif", "objetivo"}, []string{"Canon", "Nikon", "Sigma", "Tamron", "Zeiss"}, "focal"},
	{tr{"TV", "Fernseher", "téléviseur", "televisor"}, []string{"LG", "Samsung", "Sony", "Philips", "Panasonic"}, "inch"},
	{tr{"game console", "Spielkonsole", "console de jeux", "videoconsola"}, []string{"Sony", "Nintendo", "Microsoft", "Valve"}, "storage"},
	{tr{"winter jacket", "Winterjacke", "doudoune", "chaqueta de invierno"}, []string{"The North Face", "Patagonia", "Moncler", "Jack Wolfskin", "Canada Goose"}, "size"},
	{tr{"sneakers", "Sneaker", "baskets", "zapatillas"}, []string{"Nike", "Adidas", "New Balance", "Puma", "Asics", "Veja"}, "shoe"},
	{tr{"handbag", "Handtasche", "sac à main", "bolso"}, []string{"Louis Vuitton", "Longchamp", "Michael Kors", "Gucci", "Coach"}, ""},
	{tr{"watch", "Armbanduhr", "montre", "reloj"}, []string{"Seiko", "Casio", "Omega", "Tissot", "Rolex", "Garmin"}, "mm"},
	{tr{"drill", "Bohrmaschine", "perceuse", "taladro"}, []string{"Bosch", "Makita", "DeWalt", "Metabo", "Einhell"}, "volt"},
	{tr{"lawn mower", "Rasenmäher", "tondeuse", "cortacésped"}, []string{"Husqvarna", "Gardena", "Stihl", "Bosch", "Honda"}, ""},
	{tr{"coffee machine", "Kaffeemaschine", "machine à café", "cafetera"}, []string{"De'Longhi", "Jura", "Krups", "Siemens", "Sage"}, ""},
	{tr{"vacuum cleaner", "Staubsauger", "aspirateur", "aspiradora"}, []string{"Dyson", "Miele", "Vorwerk", "Rowenta", "Roborock"}, ""},
	{tr{"guitar", "Gitarre", "guitare", "guitarra"}, []string{"Fender", "Gibson", "Yamaha", "Ibanez", "Martin"}, ""},
	{tr{"desk", "Schreibtisch", "bureau", "escritorio"}, []string{"IKEA", "Flexispot", "USM Haller", "Hammarlund"}, "dims"},
	{tr{"mattress", "Matratze", "matelas", "colchón"}, []string{"Emma", "Tempur", "Simba", "Bultex"}, "dims"},
	{tr{"tent", "Zelt", "tente", "tienda de campaña"}, []string{"Coleman", "Vaude", "Quechua", "MSR", "Hilleberg"}, "persons"},
	{tr{"pram seat", "Kindersitz", "siège auto", "silla de coche"}, []string{"Cybex", "Britax", "Maxi-Cosi", "Joie"}, ""},
}

var carMakes = []struct {
	make   string
	models []string
}{
	{"Volkswagen", []string{"Golf", "Polo", "Passat", "Tiguan", "T-Roc", "ID.3", "Touran", "Up!"}},
	{"BMW", []string{"118i", "320d", "520d", "X1", "X3", "X5", "i3", "M340i"}},
	{"Mercedes-Benz", []string{"A 180", "C 220 d", "E 300", "GLA 200", "GLC 300", "B 200", "CLA 250"}},
	{"Audi", []string{"A1", "A3 Sportback", "A4 Avant", "A6", "Q3", "Q5", "e-tron"}},
	{"Opel", []string{"Corsa", "Astra", "Insignia", "Mokka", "Zafira", "Crossland"}},
	{"Ford", []string{"Fiesta", "Focus", "Kuga", "Puma", "Mondeo", "Mustang Mach-E"}},
	{"Renault", []string{"Clio", "Mégane", "Captur", "Zoe", "Scénic", "Kadjar", "Twingo"}},
	{"Peugeot", []string{"208", "308", "2008", "3008", "5008", "508"}},
	{"Citroën", []string{"C3", "C4", "C5 Aircross", "Berlingo", "DS3"}},
	{"SEAT", []string{"Ibiza", "Leon", "Ateca", "Arona", "Tarraco"}},
	{"Škoda", []string{"Fabia", "Octavia Combi", "Superb", "Kodiaq", "Karoq", "Enyaq"}},
	{"Toyota", []string{"Yaris", "Corolla", "C-HR", "RAV4", "Aygo", "Prius"}},
	{"Hyundai", []string{"i10", "i20", "i30", "Tucson", "Kona", "Ioniq 5"}},
	{"Kia", []string{"Picanto", "Rio", "Ceed", "Sportage", "Niro", "EV6"}},
	{"Fiat", []string{"500", "Panda", "Tipo", "500X", "Ducato"}},
	{"Volvo", []string{"V40", "V60", "XC40", "XC60", "XC90"}},
	{"Tesla", []string{"Model 3", "Model Y", "Model S"}},
	{"Mazda", []string{"2", "3", "CX-3", "CX-5", "MX-5"}},
	{"Nissan", []string{"Micra", "Qashqai", "Juke", "Leaf", "X-Trail"}},
	{"Dacia", []string{"Sandero", "Duster", "Logan", "Spring", "Jogger"}},
}

var (
	carTrims = []string{"Comfortline", "Highline", "Style", "Life", "Sport", "M Sport", "AMG Line", "S line", "Titanium", "GT Line",
		"Allure", "Intens", "Xcellence", "FR", "Ambition", "Elegance", "Executive", "Business", "Premium", "Trendline"}
	fuels     = []tr{{"petrol", "Benzin", "essence", "gasolina"}, {"diesel", "Diesel", "diesel", "diésel"}, {"hybrid", "Hybrid", "hybride", "híbrido"}, {"electric", "Elektro", "électrique", "eléctrico"}, {"LPG", "Autogas", "GPL", "GLP"}}
	gearboxes = []tr{{"manual", "Schaltgetriebe", "boîte manuelle", "cambio manual"}, {"automatic", "Automatik", "boîte automatique", "cambio automático"}}
	carFeats  = []tr{
		{"navigation", "Navi", "GPS", "navegador"}, {"air conditioning", "Klimaanlage", "climatisation", "aire acondicionado"},
		{"heated seats", "Sitzheizung", "sièges chauffants", "asientos calefactables"}, {"parking sensors", "Einparkhilfe", "radar de recul", "sensores de aparcamiento"},
		{"reversing camera", "Rückfahrkamera", "caméra de recul", "cámara trasera"}, {"cruise control", "Tempomat", "régulateur de vitesse", "control de crucero"},
		{"LED headlights", "LED-Scheinwerfer", "phares LED", "faros LED"}, {"tow bar", "Anhängerkupplung", "attelage", "enganche de remolque"},
		{"panoramic roof", "Panoramadach", "toit panoramique", "techo panorámico"}, {"alloy wheels", "Alufelgen", "jantes alu", "llantas de aleación"},
		{"Apple CarPlay", "Apple CarPlay", "Apple CarPlay", "Apple CarPlay"}, {"keyless entry", "Keyless Go", "accès sans clé", "acceso sin llave"},
		{"leather seats", "Ledersitze", "sièges cuir", "asientos de cuero"}, {"lane assist", "Spurhalteassistent", "aide au maintien de voie", "asistente de carril"},
		{"winter tyres", "Winterreifen", "pneus hiver", "neumáticos de invierno"}, {"head-up display", "Head-up-Display", "affichage tête haute", "head-up display"},
	}
	homeTypes = []tr{{"apartment", "Wohnung", "appartement", "piso"}, {"house", "Haus", "maison", "casa"}, {"studio", "Studio", "studio", "estudio"},
		{"loft", "Loft", "loft", "loft"}, {"penthouse", "Penthouse", "penthouse", "ático"}, {"terraced house", "Reihenhaus", "maison mitoyenne", "adosado"}}
	homeFeats = []tr{
		{"balcony", "Balkon", "balcon", "balcón"}, {"lift", "Aufzug", "ascenseur", "ascensor"}, {"fitted kitchen", "Einbauküche", "cuisine équipée", "cocina equipada"},
		{"garden", "Garten", "jardin", "jardín"}, {"underground parking", "Tiefgarage", "parking souterrain", "garaje"}, {"cellar", "Keller", "cave", "trastero"},
		{"parquet floors", "Parkett", "parquet", "suelo de parquet"}, {"floor heating", "Fußbodenheizung", "chauffage au sol", "suelo radiante"},
		{"terrace", "Terrasse", "terrasse", "terraza"}, {"guest toilet", "Gäste-WC", "WC invités", "aseo de cortesía"}, {"double glazing", "Doppelverglasung", "double vitrage", "doble acristalamiento"},
		{"concierge", "Hausmeister", "gardien", "portero"}, {"bike storage", "Fahrradkeller", "local vélos", "cuarto de bicis"}, {"fibre internet", "Glasfaser", "fibre optique", "fibra óptica"},
	}
	heatings  = []tr{{"gas", "Gas", "gaz", "gas"}, {"district heating", "Fernwärme", "chauffage urbain", "calefacción central"}, {"heat pump", "Wärmepumpe", "pompe à chaleur", "bomba de calor"}, {"electric", "elektrisch", "électrique", "eléctrica"}}
	countries = []tr{{"Germany", "Deutschland", "Allemagne", "Alemania"}, {"France", "Frankreich", "France", "Francia"}, {"Spain", "Spanien", "Espagne", "España"},
		{"Italy", "Italien", "Italie", "Italia"}, {"Austria", "Österreich", "Autriche", "Austria"}, {"Belgium", "Belgien", "Belgique", "Bélgica"}, {"Switzerland", "Schweiz", "Suisse", "Suiza"}}
	collectKinds = []tr{{"coin", "Münze", "pièce", "moneda"}, {"stamp set", "Briefmarkensatz", "série de timbres", "serie de sellos"}, {"trading card", "Sammelkarte", "carte à collectionner", "carta coleccionable"},
		{"vinyl LP", "Vinyl-LP", "vinyle 33 tours", "vinilo LP"}, {"comic", "Comic", "bande dessinée", "cómic"}, {"action figure", "Actionfigur", "figurine", "figura de acción"}}
	corpusColours = []tr{{"black", "schwarz", "noir", "negro"}, {"white", "weiß", "blanc", "blanco"}, {"grey", "grau", "gris", "gris"}, {"blue", "blau", "bleu", "azul"},
		{"red", "rot", "rouge", "rojo"}, {"green", "grün", "vert", "verde"}, {"silver", "silber", "argent", "plata"}, {"beige", "beige", "beige", "beige"},
		{"anthracite", "anthrazit", "anthracite", "antracita"}, {"dark blue", "dunkelblau", "bleu foncé", "azul oscuro"}, {"oak", "Eiche", "chêne", "roble"}}
	conditionsTr = []tr{{"new", "neu", "neuf", "nuevo"}, {"like new", "wie neu", "comme neuf", "como nuevo"}, {"very good condition", "sehr guter Zustand", "très bon état", "muy buen estado"},
		{"good condition", "guter Zustand", "bon état", "buen estado"}, {"used", "gebraucht", "occasion", "usado"}, {"with signs of wear", "mit Gebrauchsspuren", "traces d'usure", "con marcas de uso"}}
	defects = []tr{{"no scratches or dents", "keine Kratzer oder Dellen", "aucune rayure ni bosse", "sin arañazos ni golpes"},
		{"a small scratch on the side", "ein kleiner Kratzer an der Seite", "une petite rayure sur le côté", "un pequeño arañazo en el lateral"},
		{"the usual signs of use", "die üblichen Gebrauchsspuren", "les traces d'usage habituelles", "las marcas de uso normales"},
		{"fully working", "voll funktionsfähig", "fonctionne parfaitement", "funciona perfectamente"},
		{"recently serviced", "frisch gewartet", "révisé récemment", "revisado recientemente"},
		{"one button sticks a little", "eine Taste klemmt etwas", "un bouton accroche un peu", "un botón se atasca un poco"}}
	accessories = []tr{{"the original box", "die Originalverpackung", "la boîte d'origine", "la caja original"}, {"the charger", "das Ladegerät", "le chargeur", "el cargador"},
		{"the manual", "die Bedienungsanleitung", "le manuel", "el manual"}, {"a spare set of parts", "ein Satz Ersatzteile", "un jeu de pièces de rechange", "un juego de recambios"},
		{"a protective cover", "eine Schutzhülle", "une housse de protection", "una funda protectora"}, {"the receipt", "die Rechnung", "la facture", "la factura"}}
	negotiable   = []tr{{"negotiable", "VB", "à débattre", "negociable"}, {"fixed price", "Festpreis", "prix ferme", "precio fijo"}, {"or best offer", "oder bestes Angebot", "ou meilleure offre", "o mejor oferta"}}
	grades       = []string{"UNC", "VF", "XF", "AU", "BU", "PP", "PSA 8", "PSA 9", "PSA 10", "BGS 9.5", "CGC 9.8", "NM", "EX", "mint"}
	corpusCities = [corpusLangs][]string{
		{"London", "Manchester", "Leeds", "Bristol", "Dublin", "Edinburgh", "Cardiff", "Brighton", "York", "Oxford"},
		{"Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Leipzig", "Dresden", "Stuttgart", "Düsseldorf", "Nürnberg", "Wien", "Graz"},
		{"Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Bordeaux", "Lille", "Strasbourg", "Montpellier", "Rennes", "Genève"},
		{"Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao", "Málaga", "Zaragoza", "Alicante", "Granada", "Palma"},
	}
	syllables = []string{"ka", "lo", "mi", "ber", "tan", "ro", "sel", "vi", "dor", "an", "len", "mar", "ti", "gu", "zo", "ra",
		"fen", "hal", "mo", "ne", "pi", "stra", "qu", "el", "win", "ul", "ja", "bo", "ric", "sa", "wes", "cor", "ly", "nat", "ho"}
)

// Title and description templates per vertical and language. {x} is filled
// from the listing's variables; a description is four or more of its vertical's
// sentences in random order, then one to three common ones, and in one
// listing of five a list of further articles for sale.
var (
	goodsTitles = tr{"{brand} {item} {model} {attr} {colour} - {cond}", "{brand} {item} {model} {attr} {colour} {cond}", "{item} {brand} {model} {attr} {cond} {colour}", "{item} {brand} {model} {attr} {colour} - {cond}"}
	goodsText   = [corpusLangs][]string{
		{"Selling my {brand} {item} {model}, bought in {year} at {shop}.", "Condition: {cond}, {defect}.", "Size {attr}, colour {colour}.",
			"Comes with {acc} and {acc2}.", "Used about {n} times, I am moving to {city} so it has to go.", "Smoke-free home, no pets.",
			"It was always kept indoors and cleaned regularly.", "Serial number {code} can be checked."},
		{"Verkaufe meinen {brand} {item} {model}, gekauft {year} bei {shop}.", "Zustand: {cond}, {defect}.", "Größe {attr}, Farbe {colour}.",
			"Dazu gibt es {acc} und {acc2}.", "Etwa {n} Mal benutzt, ich ziehe nach {city} und muss ihn loswerden.", "Nichtraucherhaushalt ohne Haustiere.",
			"Wurde immer drinnen aufbewahrt und regelmäßig gereinigt.", "Seriennummer {code} kann geprüft werden."},
		{"Je vends mon {item} {brand} {model}, acheté en {year} chez {shop}.", "État : {cond}, {defect}.", "Taille {attr}, couleur {colour}.",
			"Vendu avec {acc} et {acc2}.", "Utilisé environ {n} fois, je déménage à {city} donc il doit partir.", "Maison non fumeur, sans animaux.",
			"Toujours rangé à l'intérieur et nettoyé régulièrement.", "Le numéro de série {code} peut être vérifié."},
		{"Vendo mi {item} {brand} {model}, comprado en {year} en {shop}.", "Estado: {cond}, {defect}.", "Tamaño {attr}, color {colour}.",
			"Incluye {acc} y {acc2}.", "Usado unas {n} veces, me mudo a {city} y tiene que irse.", "Casa sin humo y sin mascotas.",
			"Siempre guardado en interior y limpiado con regularidad.", "El número de serie {code} se puede comprobar."},
	}
	carTitles = tr{"{make} {model} {trim} {kw} kW {year} {km} km {fuel} {gear}", "{make} {model} {trim} {year}, {km} km, {fuel}, {gear}, {price} €",
		"{make} {model} {trim} {year} {km} km {fuel} {gear}", "{make} {model} {trim} {kw} kW {year} {km} km {fuel} {gear} {price} €"}
	carText = [corpusLangs][]string{
		{"{make} {model} {trim}, first registered {month}/{year}, {km} km on the clock.", "{fuel}, {gear}, {kw} kW ({hp} hp), {doors} doors, {colour}.",
			"Equipment: {feat1}, {feat2}, {feat3} and {feat4}.", "{owners} previous owners, full service history, MOT valid until {month2}/{year2}.",
			"Timing belt changed at {km2} km, new brakes front and rear.", "VIN {code}, no accident damage.", "Test drive in {city} after a phone call."},
		{"{make} {model} {trim}, Erstzulassung {month}/{year}, {km} km gelaufen.", "{fuel}, {gear}, {kw} kW ({hp} PS), {doors} Türen, {colour}.",
			"Ausstattung: {feat1}, {feat2}, {feat3} und {feat4}.", "{owners} Vorbesitzer, scheckheftgepflegt, TÜV bis {month2}/{year2}.",
			"Zahnriemen bei {km2} km gewechselt, Bremsen vorne und hinten neu.", "FIN {code}, unfallfrei.", "Probefahrt in {city} nach telefonischer Absprache."},
		{"{make} {model} {trim}, mise en circulation {month}/{year}, {km} km au compteur.", "{fuel}, {gear}, {kw} kW ({hp} ch), {doors} portes, {colour}.",
			"Équipements : {feat1}, {feat2}, {feat3} et {feat4}.", "{owners} propriétaires précédents, carnet d'entretien complet, contrôle technique jusqu'au {month2}/{year2}.",
			"Courroie de distribution changée à {km2} km, freins avant et arrière neufs.", "VIN {code}, jamais accidentée.", "Essai à {city} après un appel."},
		{"{make} {model} {trim}, matriculado en {month}/{year}, {km} km.", "{fuel}, {gear}, {kw} kW ({hp} CV), {doors} puertas, {colour}.",
			"Equipamiento: {feat1}, {feat2}, {feat3} y {feat4}.", "{owners} propietarios anteriores, libro de mantenimiento completo, ITV hasta {month2}/{year2}.",
			"Correa de distribución cambiada a los {km2} km, frenos nuevos delante y detrás.", "Bastidor {code}, sin accidentes.", "Prueba en {city} previa llamada."},
	}
	homeTitles = tr{"{rooms}-room {type}, {m2} m², {city} {district}, {price} €", "{rooms}-Zimmer-{type}, {m2} m², {city}-{district}, {price} €",
		"{type} {rooms} pièces {m2} m² {city} {district} {price} €", "{type} de {rooms} habitaciones, {m2} m², {city}, {district}, {price} €"}
	homeText = [corpusLangs][]string{
		{"Bright {rooms}-room {type} of {m2} m² in {city} {district}.", "On the {floor} floor of a building from {built} at {street} {no}.",
			"Features: {feat1}, {feat2} and {feat3}.", "Energy class {energy}, {heating} heating.", "Rent {price} € per month plus {extra} € service charges, deposit {deposit} €.",
			"Available from {day}/{month}/{year2}, viewings by appointment.", "Schools, shops and the {line} line are a few minutes' walk away."},
		{"Helle {rooms}-Zimmer-{type} mit {m2} m² in {city}-{district}.", "Im {floor}. Stock eines Hauses von {built}, {street}straße {no}.",
			"Ausstattung: {feat1}, {feat2} und {feat3}.", "Energieklasse {energy}, Heizung: {heating}.", "Kaltmiete {price} € zuzüglich {extra} € Nebenkosten, Kaution {deposit} €.",
			"Frei ab {day}.{month}.{year2}, Besichtigung nach Vereinbarung.", "Schulen, Geschäfte und die Linie {line} sind in wenigen Minuten erreichbar."},
		{"Lumineux {type} de {rooms} pièces, {m2} m², à {city} {district}.", "Au {floor}e étage d'un immeuble de {built}, {no} rue {street}.",
			"Prestations : {feat1}, {feat2} et {feat3}.", "Classe énergie {energy}, chauffage {heating}.", "Loyer {price} € par mois plus {extra} € de charges, dépôt de garantie {deposit} €.",
			"Disponible à partir du {day}/{month}/{year2}, visites sur rendez-vous.", "Écoles, commerces et la ligne {line} à quelques minutes à pied."},
		{"Luminoso {type} de {rooms} habitaciones y {m2} m² en {city}, {district}.", "En la planta {floor} de un edificio de {built}, calle {street} {no}.",
			"Características: {feat1}, {feat2} y {feat3}.", "Certificado energético {energy}, calefacción {heating}.", "Alquiler {price} € al mes más {extra} € de gastos, fianza {deposit} €.",
			"Disponible desde el {day}/{month}/{year2}, visitas con cita previa.", "Colegios, tiendas y la línea {line} a pocos minutos a pie."},
	}
	collectTitles = tr{"{kind} {series} {year} {code} {grade}", "{series} {kind} {year} {grade} {code}", "{kind} {series} {code} {year} {grade}", "{kind} {series} {year} {code} {grade}"}
	collectText   = [corpusLangs][]string{
		{"Offering a {kind} from the {series} series, {year}, catalogue number {code}.", "Graded {grade}, {defect}.", "Origin {country}, bought from {artist} in {city}.",
			"It has been stored in a sleeve away from light since {year2}.", "More pieces of {series} in my other listings.", "Certificate of authenticity and {acc} included."},
		{"Biete eine {kind} aus der Serie {series}, {year}, Katalognummer {code}.", "Bewertet mit {grade}, {defect}.", "Herkunft {country}, gekauft von {artist} in {city}.",
			"Seit {year2} lichtgeschützt in einer Hülle gelagert.", "Weitere Stücke von {series} in meinen anderen Anzeigen.", "Echtheitszertifikat und {acc} liegen bei."},
		{"Je propose une {kind} de la série {series}, {year}, numéro de catalogue {code}.", "Gradée {grade}, {defect}.", "Origine {country}, achetée à {artist} à {city}.",
			"Conservée dans une pochette à l'abri de la lumière depuis {year2}.", "D'autres pièces de {series} dans mes autres annonces.", "Certificat d'authenticité et {acc} fournis."},
		{"Ofrezco una {kind} de la serie {series}, {year}, número de catálogo {code}.", "Calificada {grade}, {defect}.", "Origen {country}, comprada a {artist} en {city}.",
			"Guardada en una funda lejos de la luz desde {year2}.", "Más piezas de {series} en mis otros anuncios.", "Incluye certificado de autenticidad y {acc}."},
	}
	// alsoForSale is how a seller lists further articles in a long
	// description, one sentence each.
	alsoForSale = tr{"Also for sale: {brand} {item} {model} for {price} €.", "Außerdem zu verkaufen: {brand} {item} {model} für {price} €.",
		"Aussi à vendre : {item} {brand} {model} pour {price} €.", "También vendo: {item} {brand} {model} por {price} €."}
	commonText = [corpusLangs][]string{
		{"Price {price} €, {nego}.", "Pickup in {city} or shipping for {ship} € extra.", "Payment by bank transfer or cash on collection.", "Private sale, no returns or warranty.", "Message me with any questions, reply within a day."},
		{"Preis {price} €, {nego}.", "Abholung in {city} oder Versand für {ship} € extra.", "Zahlung per Überweisung oder bar bei Abholung.", "Privatverkauf, keine Rücknahme oder Garantie.", "Bei Fragen gerne schreiben, Antwort innerhalb eines Tages."},
		{"Prix {price} €, {nego}.", "Retrait à {city} ou envoi pour {ship} € de plus.", "Paiement par virement ou en espèces au retrait.", "Vente entre particuliers, ni reprise ni garantie.", "Écrivez-moi pour toute question, réponse sous un jour."},
		{"Precio {price} €, {nego}.", "Recogida en {city} o envío por {ship} € más.", "Pago por transferencia o en efectivo al recoger.", "Venta particular, sin devoluciones ni garantía.", "Escríbeme con cualquier pregunta, respondo en un día."},
	}
)

// vars are one listing's template variables.
type vars map[string]string

// expand fills the {x} placeholders of tmpl and reports whether every one
// had a value; one without becomes empty.
func (v vars) expand(tmpl string) (string, bool) {
	var b strings.Builder
	complete := true
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		b.WriteString(tmpl[:i])
		s := v[tmpl[i+1:i+j]]
		b.WriteString(s)
		complete = complete && s != ""
		tmpl = tmpl[i+j+1:]
	}
	return strings.Join(strings.Fields(b.String()), " "), complete
}

// corpusGen draws one listing's variables.
type corpusGen struct {
	r    *rand.Rand
	lang int
	v    vars
}

func (g *corpusGen) pick(s []string) string { return s[g.r.IntN(len(s))] }
func (g *corpusGen) tr(s []tr) string       { return s[g.r.IntN(len(s))][g.lang] }
func (g *corpusGen) num(lo, hi int) string  { return strconv.Itoa(lo + g.r.IntN(hi-lo+1)) }

// name makes up a capitalised word of two or three syllables, for streets,
// districts, artists and series.
func (g *corpusGen) name() string {
	var b strings.Builder
	for range 2 + g.r.IntN(2) {
		b.WriteString(g.pick(syllables))
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// code makes up a model, catalogue or serial code such as "KX-4520".
func (g *corpusGen) code() string {
	letters := make([]byte, 1+g.r.IntN(3))
	for i := range letters {
		letters[i] = byte('A' + g.r.IntN(26))
	}
	sep := [...]string{"", "-", " "}[g.r.IntN(3)]
	return string(letters) + sep + strconv.Itoa(g.r.IntN(10000))
}

// money formats an amount the way the language writes it: 1,250 or 1.250.
func (g *corpusGen) money(lo, hi, step int) string {
	n := (lo + g.r.IntN((hi-lo)/step+1)*step)
	s := strconv.Itoa(n)
	if n < 1000 {
		return s
	}
	sep := [corpusLangs]string{",", ".", " ", "."}[g.lang]
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// common sets the variables every vertical's shared sentences use.
func (g *corpusGen) common() {
	v := g.v
	v["city"] = g.pick(corpusCities[g.lang])
	v["nego"] = g.tr(negotiable)
	v["ship"] = g.num(4, 25)
	v["colour"] = g.tr(corpusColours)
	v["cond"] = g.tr(conditionsTr)
	v["defect"] = g.tr(defects)
	v["acc"], v["acc2"] = g.tr(accessories), g.tr(accessories)
	v["code"] = g.code()
	v["year"] = g.num(1960, 2024)
	v["year2"] = g.num(2024, 2026)
	v["month"], v["month2"], v["day"] = g.num(1, 12), g.num(1, 12), g.num(1, 28)
}

func (g *corpusGen) goods() {
	v, line := g.v, &corpusGoods[skewed(g.r, len(corpusGoods))]
	v["item"], v["brand"], v["model"] = line.name[g.lang], g.pick(line.brands), g.code()
	v["year"] = g.num(2012, 2024)
	v["shop"] = g.name() + " " + g.pick([]string{"Store", "Markt", "Shop", "Centre", "Outlet"})
	v["n"] = g.num(2, 60)
	switch line.attr {
	case "dims":
		v["attr"] = g.num(40, 240) + "x" + g.num(40, 220) + " cm"
	case "frame":
		v["attr"] = g.num(44, 62) + " cm"
	case "kg":
		v["attr"] = g.num(5, 10) + " kg"
	case "litres":
		v["attr"] = g.num(90, 600) + " L"
	case "storage":
		v["attr"] = g.pick([]string{"32GB", "64GB", "128GB", "256GB", "512GB", "1TB", "2TB"})
	case "mp":
		v["attr"] = g.num(12, 61) + " MP"
	case "focal":
		v["attr"] = g.num(10, 70) + "-" + g.num(70, 600) + "mm f/" + g.pick([]string{"1.4", "1.8", "2.8", "4", "5.6"})
	case "inch":
		v["attr"] = g.num(32, 85) + " inch"
	case "size":
		v["attr"] = g.pick([]string{"XS", "S", "M", "L", "XL", "XXL"})
	case "shoe":
		v["attr"] = g.num(35, 47)
	case "mm":
		v["attr"] = g.num(34, 46) + "mm"
	case "volt":
		v["attr"] = g.pick([]string{"12V", "18V", "36V"})
	case "persons":
		v["attr"] = g.num(1, 8) + "P"
	}
	v["price"] = g.money(5, 3000, 5)
}

func (g *corpusGen) car() {
	v := g.v
	mk := &carMakes[skewed(g.r, len(carMakes))]
	v["make"], v["model"], v["trim"] = mk.make, g.pick(mk.models), g.pick(carTrims)
	kw := 44 + g.r.IntN(250)
	v["kw"], v["hp"] = strconv.Itoa(kw), strconv.Itoa(kw*136/100)
	v["year"] = g.num(2003, 2024)
	v["km"] = g.money(1000, 320000, 100)
	v["km2"] = g.money(60000, 240000, 1000)
	v["fuel"], v["gear"] = g.tr(fuels), g.tr(gearboxes)
	v["doors"], v["owners"] = g.pick([]string{"3", "5"}), g.num(1, 4)
	for i, f := range g.r.Perm(len(carFeats))[:4] {
		v["feat"+strconv.Itoa(i+1)] = carFeats[f][g.lang]
	}
	v["code"] = "WV" + g.code() + g.num(10000, 99999)
	v["price"] = g.money(1500, 90000, 50)
}

func (g *corpusGen) home() {
	v := g.v
	v["type"], v["rooms"], v["m2"] = g.tr(homeTypes), g.num(1, 6), g.num(18, 240)
	v["district"], v["street"], v["no"] = g.name(), g.name(), g.num(1, 180)
	v["floor"], v["built"] = g.num(1, 12), g.num(1890, 2023)
	for i, f := range g.r.Perm(len(homeFeats))[:3] {
		v["feat"+strconv.Itoa(i+1)] = homeFeats[f][g.lang]
	}
	v["energy"] = g.pick([]string{"A+", "A", "B", "C", "D", "E", "F", "G"})
	v["heating"] = g.tr(heatings)
	v["price"], v["extra"], v["deposit"] = g.money(350, 4800, 10), g.num(40, 450), g.money(700, 14000, 100)
	v["line"] = g.pick([]string{"U", "S", "M", "T", "L"}) + g.num(1, 19)
}

func (g *corpusGen) collectible() {
	v := g.v
	v["kind"], v["series"], v["artist"] = g.tr(collectKinds), g.name()+" "+g.name(), g.name()
	v["grade"], v["country"] = g.pick(grades), g.tr(countries)
	v["code"] = "#" + g.num(1, 999) + "/" + g.num(100, 999)
	v["price"] = g.money(2, 2500, 1)
}

// corpusListing builds listing i of the corpus.
func corpusListing(i int) listing {
	r := rand.New(rand.NewPCG(0xc0de, uint64(i)))
	g := &corpusGen{r: r, lang: r.IntN(corpusLangs), v: vars{}}
	g.common()
	var titles tr
	var text [corpusLangs][]string
	switch k := r.IntN(20); {
	case k < 11:
		g.goods()
		titles, text = goodsTitles, goodsText
	case k < 14:
		g.car()
		titles, text = carTitles, carText
	case k < 17:
		g.home()
		titles, text = homeTitles, homeText
	default:
		g.collectible()
		titles, text = collectTitles, collectText
	}
	var d []string
	sentences := func(from []string, lo, hi int) {
		for _, k := range r.Perm(len(from))[:lo+r.IntN(hi-lo+1)] {
			if s, ok := g.v.expand(from[k]); ok {
				d = append(d, s)
			}
		}
	}
	sentences(text[g.lang], 4, len(text[g.lang]))
	sentences(commonText[g.lang], 1, 3)
	if r.IntN(5) == 0 {
		// One in five sellers lists more articles: long descriptions,
		// many beyond the sketch size.
		for range 4 + r.IntN(12) {
			more := &corpusGen{r: r, lang: g.lang, v: vars{}}
			more.goods()
			s, _ := more.v.expand(alsoForSale[g.lang])
			d = append(d, s)
		}
	}
	title, _ := g.v.expand(titles[g.lang])
	return listing{
		id:          corpusID(i, r),
		seller:      fmt.Sprintf("acct-%d", skewed(r, 250_000)),
		title:       title,
		description: strings.Join(d, " "),
	}
}

// corpusID is a UUID-shaped id (36 characters, as the store's) that
// encodes i, which corpusIndex reads back.
func corpusID(i int, r *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-7%03x-8%03x-%012x", i, r.IntN(1<<16), r.IntN(4096), r.IntN(4096), r.Uint64()&0xffffffffffff)
}

// corpusIndex returns the i a corpusID was made from.
func corpusIndex(id string) int {
	i, err := strconv.ParseUint(id[:8], 16, 32)
	if err != nil {
		panic(err)
	}
	return int(i)
}

// Edits a copy may carry (plantEdit).
const (
	editReorder = iota // two neighbouring words swapped
	editPrice          // a number changed
	editWord           // a word replaced by another
	editCase           // a word's case changed
	editPunct          // punctuation added or dropped
	editKinds
)

// plantEdit returns text with one edit of the given kind, the ways a
// seller re-lists or disguises a copy.
func plantEdit(r *rand.Rand, text string, kind int) string {
	w := strings.Fields(text)
	if len(w) < 2 {
		return strings.ToUpper(text)
	}
	i := r.IntN(len(w))
	switch kind {
	case editReorder:
		i = min(i, len(w)-2)
		w[i], w[i+1] = w[i+1], w[i]
	case editPrice:
		// Prefer the number before a currency sign, else any number.
		at := -1
		for k, s := range w {
			if hasDigit(s) && (at < 0 || k+1 < len(w) && strings.HasPrefix(w[k+1], "€")) {
				at = k
			}
		}
		if at >= 0 {
			w[at] = changeNumber(r, w[at])
		} else {
			w = append(w, strconv.Itoa(10+r.IntN(990))+" €")
		}
	case editWord:
		w[i] = strings.ToLower(pick(r, fillers))
	case editCase:
		if r.IntN(2) == 0 {
			w[i] = strings.ToUpper(w[i])
		} else {
			w[i] = strings.ToLower(w[i])
		}
	case editPunct:
		if last, size := utf8.DecodeLastRuneInString(w[i]); unicode.IsPunct(last) && len(w[i]) > size {
			w[i] = w[i][:len(w[i])-size]
		} else {
			w[i] += pick(r, []string{",", "!", " -", " /", ".", "!!", " |"})
		}
	}
	return strings.Join(w, " ")
}

func hasDigit(s string) bool { return strings.ContainsFunc(s, unicode.IsDigit) }

// changeNumber lowers or raises the last digit run of s by a few units of
// its leading digit: 1.250 becomes 1.150 or 1.350.
func changeNumber(r *rand.Rand, s string) string {
	end := strings.LastIndexFunc(s, unicode.IsDigit) + 1
	start := end
	for start > 0 && (unicode.IsDigit(rune(s[start-1])) || s[start-1] == '.' || s[start-1] == ',') {
		start--
	}
	digits := strings.NewReplacer(".", "", ",", "").Replace(s[start:end])
	n, _ := strconv.Atoi(digits)
	unit := 1
	for range max(len(digits)-2, 0) {
		unit *= 10
	}
	if n -= unit * (1 + r.IntN(3)); n <= 0 || r.IntN(2) == 0 {
		n += 2 * unit * (1 + r.IntN(3))
	}
	return s[:start] + strconv.Itoa(n) + s[end:]
}
