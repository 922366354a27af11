package text

// Marketplace texts for BenchmarkScan and the differential test.

// benchClean are ordinary listings, the common case of a listing check:
// a bike, a flat to rent, a car, a collectible, furniture, a phone, in
// English, German, French, Italian, Dutch and Spanish, 50–150 words each,
// and a few short listings as internal/bench's ListingBody and its data
// generator (internal/bench/catalogue.go) write them. None yields a finding.
var benchClean = []string{
	// en: bike
	"Selling my Gazelle Orange C7, 54 cm frame, very good condition. Hardly used and always looked after, kept indoors over the winter. " +
		"Shimano Nexus 7-speed hub, hydraulic rim brakes, dynamo lights front and back, rear rack, kickstand and a Basil pannier. " +
		"New tyres (Schwalbe Marathon Plus) fitted last spring, chain and brake pads replaced in March. Small scratch on the top tube, see photos. " +
		"Original receipt included. Pick-up in Utrecht or shipping at the buyer's cost. Price is 550 euros, open to reasonable offers. " +
		"Private sale, no warranty or returns.",
	// de: flat to rent
	"Helle 2-Zimmer-Wohnung in Leipzig-Gohlis ab 1. Juni zu vermieten. 58 m², 3. OG mit Aufzug, Südbalkon, Einbauküche mit Geschirrspüler, " +
		"Bad mit Fenster und Badewanne, Laminat in allen Zimmern, Kellerabteil und Fahrradraum. Kaltmiete 640 €, Nebenkosten 160 €, " +
		"drei Monatsmieten Kaution. Ruhige Lage, Straßenbahn und Supermarkt in fünf Minuten zu Fuß. Nichtraucher bevorzugt, keine Haustiere. " +
		"Besichtigungen am Samstag zwischen 10 und 14 Uhr möglich, bitte mit kurzer Vorstellung und Einkommensnachweis melden.",
	// fr: car
	"Vends Peugeot 208 1.2 PureTech 82 ch, année 2019, 68 000 km, première main. Carnet d'entretien complet, révision faite en janvier " +
		"avec vidange et filtres, courroie changée à 60 000 km. Contrôle technique OK sans défaut. Climatisation, GPS, radar de recul, " +
		"régulateur de vitesse, Bluetooth. Quatre pneus Michelin récents. Quelques petites rayures sur le pare-choc arrière, rien de grave. " +
		"Véhicule visible à Lyon 7e, essai possible le week-end. Prix 11 500 euros, légèrement négociable. Pas sérieux s'abstenir.",
	// it: collectible
	"Vendo collezione di francobolli italiani dal 1950 al 1980, circa 1200 pezzi in due album Marini originali, in ottimo stato. " +
		"Serie complete nuove e usate, alcune quartine, buste primo giorno e cartoline d'epoca. Conservata in ambiente asciutto, " +
		"lontano dalla luce. Ideale per collezionisti o per chi vuole iniziare. Posso inviare altre foto dei singoli fogli su richiesta. " +
		"Ritiro a mano a Bologna oppure spedizione con pacco tracciato a carico dell'acquirente. Prezzo 380 euro trattabili.",
	// nl: furniture
	"Te koop: massief eiken eettafel, 180 x 90 cm, met zes bijpassende stoelen. De tafel is vorig jaar opnieuw geschuurd en geolied, " +
		"de stoelen hebben nieuwe zittingen in donkergrijze stof. Lichte gebruikssporen aan de poten, verder in zeer goede staat. " +
		"Uit een rookvrij huis zonder huisdieren. De tafel kan uit elkaar voor transport, gereedschap is aanwezig. " +
		"Ophalen in Rotterdam-Kralingen, bezorgen in overleg tegen vergoeding. Vraagprijs 450 euro, bieden vanaf 400.",
	// es: phone
	"Vendo iPhone 13 de 128 GB en color azul, comprado en noviembre de 2022 en tienda oficial. Batería al 89 por ciento, " +
		"pantalla sin arañazos gracias al protector de cristal que lleva desde el primer día. Siempre con funda, se entrega con la caja original, " +
		"el cable y la factura. Libre de operador, funciona perfectamente, Face ID y cámaras sin problemas. " +
		"Entrega en mano en Madrid centro o envío certificado por cuenta del comprador. Precio 420 euros, no acepto cambios.",
	// en: car
	"For sale: Volkswagen Golf 1.5 TSI Life, 2020, 42,000 miles, one owner from new, full service history at the main dealer. " +
		"Six-speed manual, 130 PS, adaptive cruise control, parking sensors front and rear, heated seats, Apple CarPlay and Android Auto. " +
		"Two keys, both services stamped in the book, MOT until next August. Clean interior, non-smoker, a few stone chips on the bonnet. " +
		"Viewing welcome in Bristol on weekday evenings or Saturday morning. 15,250 pounds or near offer. HPI clear.",
	// de: collectible
	"LEGO Star Wars Millennium Falcon 75192, Ultimate Collector Series, vollständig aufgebaut und komplett mit allen Minifiguren, " +
		"Bauanleitungen und der Originalverpackung. Stand immer in einer Vitrine im Nichtraucherhaushalt, kein Staub, keine fehlenden Teile. " +
		"Wurde einmal zerlegt und nach Anleitung neu gebaut, alle Steine wurden dabei gezählt. Abholung in Hamburg-Eimsbüttel bevorzugt, " +
		"da der Versand bei dieser Größe schwierig ist. Preis 650 € VB, Privatverkauf, keine Garantie oder Rücknahme.",
	// fr: flat to rent
	"Loue studio meublé de 28 m² à Nantes, quartier Graslin, au 2e étage d'un immeuble ancien. Cuisine équipée avec plaques, four, " +
		"réfrigérateur et lave-linge, salle d'eau avec douche, parquet, double vitrage. Loyer 560 euros charges comprises, eau et chauffage inclus. " +
		"Disponible à partir du 1er septembre pour étudiant ou jeune actif. Dossier complet avec garant demandé. " +
		"Visites possibles en fin de semaine, merci de préciser vos disponibilités dans votre message.",
	// it: bike
	"Vendo bici da corsa Bianchi Sprint in carbonio, taglia 55, anno 2021, gruppo Shimano 105 a 11 velocità, freni a disco idraulici. " +
		"Ruote Fulcrum Racing 5, copertoni Continental GP5000 quasi nuovi, manubrio e sella originali. Percorsi circa 6000 km, " +
		"sempre tagliandata in officina, mai cadute. Qualche segno d'uso sul carro posteriore. Visibile a Torino, zona Crocetta, " +
		"prova su strada possibile con documento. Prezzo 1450 euro, non spedisco.",
	// nl: car
	"Toyota Yaris Hybrid 1.5 Dynamic uit 2019, 74.000 km, dealer onderhouden, NAP aanwezig. Zuinig, gemiddeld 1 op 23 in de stad. " +
		"Climate control, navigatie, achteruitrijcamera, adaptieve cruise control en lichtmetalen velgen met zomerbanden, winterbanden los erbij. " +
		"APK tot mei volgend jaar. Kleine deuk in het linker achterportier, verder keurig. Proefrit mogelijk in Utrecht na afspraak. " +
		"Vraagprijs 15.950 euro, eerlijk geprijsd, inruil niet mogelijk.",
	// es: flat to rent
	"Se alquila piso de tres habitaciones en Valencia, barrio de Ruzafa, 85 metros cuadrados, cuarta planta con ascensor. " +
		"Cocina equipada, dos baños completos, aire acondicionado y calefacción, terraza pequeña con vistas a la calle. " +
		"Amueblado, listo para entrar a vivir. Alquiler 1100 euros al mes más gastos de comunidad, contrato mínimo de un año. " +
		"Cerca del metro, colegios y mercado. Visitas por las tardes de lunes a viernes.",
	// as internal/bench ListingBody and the data generator write them
	"vintage carbon item number 42 in very good condition, oak parts replaced last year, collection in town 42.",
	"Verkaufe Sony PlayStation 5 Digital Edition in sehr guter Zustand. Kaum benutzt, immer pfleglich behandelt. Mit Originalverpackung. " +
		"Versand möglich, Abholung in Köln bevorzugt. Preis verhandelbar.",
	"Vitra Eames Plastic Side Chair set of 2, good condition, looking for a new home. Light signs of use, everything works perfectly. " +
		"From a smoke-free home without pets. Can ship; pick-up in Amsterdam preferred. Open to reasonable offers.",
}

// benchDirty are listings and messages with something to find: contact
// details, scam scripts, prohibited words, profanity, obfuscations.
var benchDirty = []string{
	benchListing,
	benchMessage,
	"Selling my Cube Reaction Pro 29\", size L, good condition. Call or WhatsApp 0151 2345 6789. Write to hamburg417@mail.example for details.",
	"Hallo! Zahlung nur per Western Union oder Freunde & Familie. WhatsApp null eins fünf eins / zwei drei vier fünf sechs sieben acht, " +
		"mail: anna punkt schulz ät web punkt de, oder bit.ly/3xYz. Kaution vorab.",
	"Hello, I am currently abroad for work, so the flat can only be rented without a viewing. Please send the deposit and the first month's rent " +
		"by bank transfer to my IBAN and the keys will be sent by DHL. Other people are waiting, so pay within 24 hours or I rent to someone else.",
	"Bonjour, mon transporteur viendra récupérer le colis chez vous, payez le coursier à la livraison. Je paie par virement, pas par la plateforme.",
	"Vendo iPhone 14 Pro nuevo, solo hoy, pago con tarjeta regalo o bitcoin. Escríbeme por telegram: @movil_barato o al 612 345 678.",
	"Rolex Submariner 1:1 replica, keine Garantie. Check раypal.com/login now, or http://paypa1-secure.com/verify?acc=1",
	"Absolute Scheiße, der Verkäufer ist ein Betrüger und Lügner. Never again, you idiot. Vaffanculo, stronzo!",
	"ＷｈａｔｓＡｐｐ ＳＰＡＭ ⑰⑱ zero six one two three four five six, v1agra h3ll0 w3ap0n, $h1t wh4t$app",
	"Ik betaal via Tikkie buiten de app om, stuur je rekeningnummer. Mijn koerier haalt het pakket bij jou op, dringend graag vandaag nog.",
	"Kontakt gerne per WhatsApp oder Signal, insta: jdoe_berlin, add me on snap. Mehr Fotos auf vintage-moebel-berlin.de/angebote?id=4",
}
