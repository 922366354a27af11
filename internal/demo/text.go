package demo

// phrases are the texts people write in one language. Templates use
// {item}, {cond}, {city}, {offer} and, for cars and flats, the placeholders
// named in their templates.
type phrases struct {
	conditions []string // best first, as conditionFactors
	describe   []string // goods listing descriptions
	carText    string
	rentTitle  string
	rentText   string
	dateFmt    string // how dates are written in texts
	thousands  string // thousands separator

	// The steps of a conversation about goods: the buyer asks, the seller
	// replies, the buyer offers, the seller accepts, the buyer pays, the
	// seller ships, the buyer thanks.
	ask, reply, offer, accept, pay, ship, thanks []string
	// Cars and flats are viewed instead: ask, reply, visit, confirm.
	visit, confirm []string

	positive, neutral, negative, short []string // reviews of sellers
	aboutBuyer                         []string // reviews of buyers
}

// lexicon returns the phrases of every language the demo speaks; people
// from different countries write to each other in English.
func lexicon() map[string]*phrases {
	return map[string]*phrases{
		"de": {
			conditions: []string{"wie neu", "sehr gut erhalten", "gut erhalten", "mit deutlichen Gebrauchsspuren"},
			describe: []string{
				"Verkaufe {item}, {cond}. Nichtraucherhaushalt, keine Haustiere. Abholung in {city} oder Versand gegen Aufpreis. Privatverkauf, daher keine Garantie oder Rücknahme.",
				"Biete hier {item} an. Zustand: {cond}. Originalverpackung und Rechnung vorhanden. Gerne Abholung in {city}, Versand mit DHL möglich.",
				"Wegen Umzug abzugeben: {item}. Zustand: {cond}, voll funktionsfähig. Bei Fragen einfach melden! Abholung in {city}.",
			},
			carText:   "{car}, Erstzulassung {year}, {km} km. Scheckheftgepflegt, Nichtraucherfahrzeug, zwei Schlüssel. Probefahrt nach Absprache in {city}. Privatverkauf unter Ausschluss jeglicher Gewährleistung.",
			rentTitle: "Helle {rooms}-Zimmer-Wohnung in {city}, {size} m²",
			rentText:  "Schöne, helle {rooms}-Zimmer-Wohnung mit {size} m² in ruhiger Lage von {city}. Kaltmiete {rent} €, Nebenkosten {costs} €, Kaution {deposit} €. Frei ab {from}. Besichtigung nach Vereinbarung – bitte mit kurzer Vorstellung melden.",
			dateFmt:   "02.01.2006", thousands: ".",
			ask:     []string{"Hallo, ist „{item}“ noch zu haben?", "Hi, ist das noch verfügbar? Ich hätte großes Interesse.", "Guten Tag, gibt es den Artikel noch? Ich würde ihn gern nehmen."},
			reply:   []string{"Hallo, ja, ist noch da.", "Ja, noch verfügbar! Haben Sie noch Fragen dazu?", "Hi, ja klar, gibt es noch."},
			offer:   []string{"Würden Sie {offer} € nehmen?", "Geht beim Preis noch was? {offer} € inklusive Versand wäre mein Angebot.", "Wäre {offer} € okay? Ich könnte sofort bezahlen."},
			accept:  []string{"{offer} € passt, dann machen wir das so.", "Einverstanden, ich reserviere es für Sie.", "Okay, für {offer} € gehört es Ihnen. Bitte über Kleinmarkt bezahlen."},
			pay:     []string{"Super, ich bezahle gleich über den Kleinmarkt-Käuferschutz.", "Perfekt, Zahlung ist raus. Versand bitte an meine Adresse.", "Danke! Habe eben bezahlt, freue mich schon."},
			ship:    []string{"Zahlung ist angekommen, ich verschicke es heute noch.", "Danke, das Paket geht morgen früh raus.", "Ist gut verpackt unterwegs, die Sendungsnummer steht in der Bestellung."},
			thanks:  []string{"Vielen Dank, Paket ist angekommen!", "Danke, hat alles geklappt.", "Top, danke und schönen Abend noch!"},
			visit:   []string{"Könnte ich am Samstag gegen 11 Uhr vorbeikommen und es mir ansehen?", "Wann wäre eine Besichtigung möglich? Ich bin diese Woche abends flexibel."},
			confirm: []string{"Samstag um 11 Uhr passt, bis dann!", "Donnerstag ab 18 Uhr geht, ich schicke Ihnen die genaue Adresse."},
			positive: []string{"Sehr netter Verkäufer, Artikel genau wie beschrieben und super verpackt. Gerne wieder!",
				"Schnelle Lieferung und alles bestens. Die Kommunikation war freundlich und unkompliziert.",
				"Top Abwicklung! Der Artikel ist sogar in einem besseren Zustand als erwartet, vielen Dank."},
			neutral:    []string{"Artikel in Ordnung, aber der Versand hat leider fast eine Woche gedauert. Sonst okay."},
			negative:   []string{"Leider nicht wie beschrieben: deutliche Kratzer, die auf den Fotos nicht zu sehen waren. Antwort kam erst nach Tagen."},
			short:      []string{"Alles super, danke!", "Top!"},
			aboutBuyer: []string{"Sehr angenehmer Käufer, schnelle Zahlung und nette Kommunikation. Jederzeit wieder!"},
		},
		"nl": {
			conditions: []string{"zo goed als nieuw", "in zeer goede staat", "in goede staat", "met duidelijke gebruikssporen"},
			describe: []string{
				"Te koop: {item}, {cond}. Rookvrij huis, geen huisdieren. Ophalen in {city} of verzenden tegen meerprijs.",
				"Ik verkoop mijn {item}. Staat: {cond}. Doos en bon aanwezig. Ophalen in {city}, verzenden via PostNL kan ook.",
				"Wegens verhuizing: {item}, {cond}. Werkt perfect. Vragen? Stuur gerust een bericht. Ophalen in {city}.",
			},
			carText:   "{car}, bouwjaar {year}, {km} km. Dealer onderhouden, rookvrij, twee sleutels. Proefrit in overleg in {city}.",
			rentTitle: "Licht {rooms}-kamerappartement in {city}, {size} m²",
			rentText:  "Mooi, licht appartement van {size} m² met {rooms} kamers in een rustige buurt van {city}. Huur {rent} euro per maand, servicekosten {costs} euro, borg {deposit} euro. Beschikbaar vanaf {from}. Bezichtiging op afspraak.",
			dateFmt:   "2-1-2006", thousands: ".",
			ask:     []string{"Hoi, is \"{item}\" nog beschikbaar?", "Hallo, is dit nog te koop? Ik heb interesse.", "Goedendag, is het artikel nog beschikbaar? Ik wil het graag kopen."},
			reply:   []string{"Hoi, ja hoor, nog beschikbaar.", "Ja, is er nog! Heb je nog vragen?", "Hallo, ja, nog te koop."},
			offer:   []string{"Zou je {offer} euro willen accepteren?", "Kan er nog iets van de prijs af? Ik bied {offer} euro inclusief verzending.", "Is {offer} euro oké? Ik kan direct betalen."},
			accept:  []string{"{offer} euro is goed, deal.", "Akkoord, ik reserveer het voor je.", "Oké, voor {offer} euro is het van jou. Betaal je via Kleinmarkt?"},
			pay:     []string{"Top, ik betaal meteen via Kleinmarkt met kopersbescherming.", "Betaling is gedaan. Graag verzenden naar mijn adres.", "Dank je! Net betaald, ik kijk ernaar uit."},
			ship:    []string{"Betaling ontvangen, ik verstuur het vandaag nog.", "Dank je, het pakket gaat morgenochtend weg.", "Goed verpakt onderweg, de track & trace staat bij de bestelling."},
			thanks:  []string{"Heel erg bedankt, pakket is binnen!", "Dank je, alles is goed gegaan.", "Top, bedankt en nog een fijne avond!"},
			visit:   []string{"Kan ik zaterdag rond 11 uur langskomen om te kijken?", "Wanneer zou een bezichtiging kunnen? Ik ben deze week 's avonds flexibel."},
			confirm: []string{"Zaterdag om 11 uur is prima, tot dan!", "Donderdag vanaf 18 uur kan, ik stuur je het precieze adres."},
			positive: []string{"Hele fijne verkoper, artikel precies zoals beschreven en goed verpakt. Zeker een aanrader!",
				"Snelle levering en alles klopte. Vriendelijke en duidelijke communicatie, dank je wel.",
				"Prima transactie! Het artikel is zelfs in betere staat dan ik had verwacht."},
			neutral:    []string{"Artikel is prima, maar de verzending duurde helaas bijna een week. Verder in orde."},
			negative:   []string{"Helaas niet zoals beschreven: duidelijke krassen die niet op de foto's te zien waren. Reactie kwam pas na dagen."},
			short:      []string{"Prima, bedankt!", "Top!"},
			aboutBuyer: []string{"Zeer prettige koper, snelle betaling en vriendelijke communicatie. Altijd welkom!"},
		},
		"fr": {
			conditions: []string{"comme neuf", "très bon état", "bon état", "état d'usage avec traces"},
			describe: []string{
				"Je vends {item}, {cond}. Maison non-fumeur, sans animaux. Remise en main propre à {city} ou envoi en supplément.",
				"À vendre : {item}. État : {cond}. Boîte d'origine et facture disponibles. Envoi possible en Colissimo, sinon retrait à {city}.",
				"Cause déménagement, je me sépare de {item} ({cond}). Fonctionne parfaitement. N'hésitez pas à me contacter. Retrait à {city}.",
			},
			carText:   "{car}, mise en circulation {year}, {km} km. Carnet d'entretien à jour, non-fumeur, deux clés. Essai possible à {city} sur rendez-vous.",
			rentTitle: "Appartement {rooms} pièces lumineux à {city}, {size} m²",
			rentText:  "Bel appartement lumineux de {size} m² ({rooms} pièces) dans un quartier calme de {city}. Loyer {rent} € hors charges, charges {costs} €, dépôt de garantie {deposit} €. Disponible à partir du {from}. Visites sur rendez-vous.",
			dateFmt:   "02/01/2006", thousands: " ",
			ask:     []string{"Bonjour, « {item} » est-il toujours disponible ?", "Bonjour, l'annonce est toujours d'actualité ? Je suis intéressé.", "Bonjour, l'article est-il encore à vendre ? Je serais preneur."},
			reply:   []string{"Bonjour, oui toujours disponible.", "Oui ! Vous avez des questions ?", "Bonjour, oui, toujours à vendre."},
			offer:   []string{"Accepteriez-vous {offer} € ?", "Le prix est-il négociable ? Je vous propose {offer} € port compris.", "{offer} €, ça vous irait ? Je peux payer tout de suite."},
			accept:  []string{"{offer} €, c'est d'accord.", "D'accord, je vous le réserve.", "OK, pour {offer} € il est à vous. Paiement via Kleinmarkt svp."},
			pay:     []string{"Parfait, je paie tout de suite via la protection acheteur Kleinmarkt.", "Paiement effectué. Envoi à mon adresse s'il vous plaît.", "Merci ! Je viens de payer, j'ai hâte."},
			ship:    []string{"Paiement bien reçu, je l'envoie aujourd'hui.", "Merci, le colis part demain matin.", "Bien emballé et en route, le numéro de suivi est dans la commande."},
			thanks:  []string{"Merci beaucoup, colis bien reçu !", "Merci, tout s'est bien passé.", "Super, merci et bonne soirée !"},
			visit:   []string{"Serait-il possible de passer samedi vers 11 h pour le voir ?", "Quand serait-il possible de visiter ? Je suis disponible en soirée cette semaine."},
			confirm: []string{"Samedi 11 h, c'est parfait, à samedi !", "Jeudi à partir de 18 h, je vous envoie l'adresse exacte."},
			positive: []string{"Vendeur très sympathique, article conforme à la description et bien emballé. Je recommande !",
				"Livraison rapide et tout est parfait. Communication agréable et simple, merci beaucoup.",
				"Transaction impeccable ! L'article est en encore meilleur état que prévu, merci."},
			neutral:    []string{"Article correct, mais l'envoi a malheureusement pris presque une semaine. Sinon ça va."},
			negative:   []string{"Malheureusement pas conforme : des rayures bien visibles qui n'apparaissaient pas sur les photos. Réponse après plusieurs jours."},
			short:      []string{"Parfait, merci !", "Super !"},
			aboutBuyer: []string{"Acheteur très agréable, paiement rapide et échanges sympathiques. Quand vous voulez !"},
		},
		"it": {
			conditions: []string{"come nuovo", "in ottime condizioni", "in buone condizioni", "con evidenti segni d'uso"},
			describe: []string{
				"Vendo {item}, {cond}. Casa non fumatori, niente animali. Ritiro a {city} oppure spedizione a carico dell'acquirente.",
				"In vendita {item}. Condizioni: {cond}. Scatola originale e scontrino disponibili. Ritiro a {city}, spedizione possibile.",
				"Per trasloco vendo {item} ({cond}). Perfettamente funzionante. Per domande scrivetemi pure. Ritiro a {city}.",
			},
			carText:   "{car}, immatricolata nel {year}, {km} km. Tagliandi regolari, non fumatori, doppia chiave. Prova su appuntamento a {city}.",
			rentTitle: "Appartamento luminoso di {rooms} locali a {city}, {size} m²",
			rentText:  "Bell'appartamento luminoso di {size} m² con {rooms} locali in zona tranquilla di {city}. Affitto {rent} € al mese, spese condominiali {costs} €, deposito cauzionale {deposit} €. Disponibile dal {from}. Visite su appuntamento.",
			dateFmt:   "02/01/2006", thousands: ".",
			ask:     []string{"Ciao, \"{item}\" è ancora disponibile?", "Buongiorno, l'articolo è ancora in vendita? Sono interessato.", "Salve, c'è ancora? Lo prenderei volentieri."},
			reply:   []string{"Ciao, sì, è ancora disponibile.", "Sì! Hai qualche domanda?", "Buongiorno, sì, ancora in vendita."},
			offer:   []string{"Accetteresti {offer} €?", "Il prezzo è trattabile? Ti offro {offer} € spedizione inclusa.", "Andrebbero bene {offer} €? Posso pagare subito."},
			accept:  []string{"{offer} € va bene, affare fatto.", "D'accordo, te lo tengo da parte.", "Ok, per {offer} € è tuo. Paghi tramite Kleinmarkt?"},
			pay:     []string{"Perfetto, pago subito con la protezione acquirenti di Kleinmarkt.", "Pagamento fatto. Spedisci pure al mio indirizzo.", "Grazie! Ho appena pagato, non vedo l'ora."},
			ship:    []string{"Pagamento ricevuto, lo spedisco oggi stesso.", "Grazie, il pacco parte domattina.", "Imballato bene e in viaggio, il codice di tracciamento è nell'ordine."},
			thanks:  []string{"Grazie mille, pacco arrivato!", "Grazie, è andato tutto bene.", "Ottimo, grazie e buona serata!"},
			visit:   []string{"Potrei passare sabato verso le 11 per vederlo?", "Quando sarebbe possibile una visita? Questa settimana sono libero la sera."},
			confirm: []string{"Sabato alle 11 va benissimo, a sabato!", "Giovedì dalle 18 va bene, ti mando l'indirizzo esatto."},
			positive: []string{"Venditore gentilissimo, articolo esattamente come descritto e imballato benissimo. Consigliato!",
				"Spedizione veloce e tutto perfetto. Comunicazione cordiale e semplice, grazie mille.",
				"Transazione perfetta! L'articolo è in condizioni persino migliori del previsto, grazie."},
			neutral:    []string{"Articolo a posto, ma la spedizione ha purtroppo richiesto quasi una settimana. Per il resto ok."},
			negative:   []string{"Purtroppo non come descritto: graffi evidenti che nelle foto non si vedevano. Risposta arrivata solo dopo giorni."},
			short:      []string{"Tutto ok, grazie!", "Ottimo!"},
			aboutBuyer: []string{"Acquirente gentilissimo, pagamento veloce e comunicazione cordiale. Sempre benvenuto!"},
		},
		"en": {
			conditions: []string{"like new", "very good condition", "good condition", "visible signs of wear"},
			describe: []string{
				"Selling {item}, {cond}. Smoke-free home, no pets. Pick-up in {city} or shipping at extra cost.",
				"For sale: {item}. Condition: {cond}. Original box and receipt included. Pick-up in {city}, shipping possible.",
			},
			carText:   "{car}, first registered {year}, {km} km. Full service history, non-smoker, two keys. Test drive by appointment in {city}.",
			rentTitle: "Bright {rooms}-room flat in {city}, {size} m²",
			rentText:  "Lovely bright {rooms}-room flat of {size} m² in a quiet part of {city}. Rent {rent} EUR a month, service costs {costs} EUR, deposit {deposit} EUR. Available from {from}. Viewings by appointment.",
			dateFmt:   "2 January 2006", thousands: ",",
			ask:     []string{"Hi, is \"{item}\" still available?", "Hello, is this still for sale? I'm very interested.", "Hi, do you still have it? I'd like to buy it."},
			reply:   []string{"Hi, yes it's still available.", "Yes! Any questions?", "Hello, yes, still for sale."},
			offer:   []string{"Would you take {offer} EUR?", "Is the price negotiable? I'd offer {offer} EUR including shipping.", "Would {offer} EUR be okay? I can pay right away."},
			accept:  []string{"{offer} EUR is fine, deal.", "Agreed, I'll reserve it for you.", "Okay, for {offer} EUR it's yours. Please pay through Kleinmarkt."},
			pay:     []string{"Great, paying now with Kleinmarkt buyer protection.", "Payment done. Please ship to my address.", "Thanks! Just paid, looking forward to it."},
			ship:    []string{"Payment received, I'll ship it today.", "Thanks, the parcel goes out tomorrow morning.", "Well packed and on its way, the tracking number is in the order."},
			thanks:  []string{"Thank you, the parcel arrived!", "Thanks, everything worked out.", "Great, thanks and have a nice evening!"},
			visit:   []string{"Could I come by on Saturday around 11 to see it?", "When would a viewing be possible? I'm flexible in the evenings this week."},
			confirm: []string{"Saturday at 11 is fine, see you then!", "Thursday from 6 pm works, I'll send you the exact address."},
			positive: []string{"Very friendly seller, item exactly as described and well packed. Would buy again!",
				"Fast delivery and everything was fine. Communication was friendly and easy, thank you.",
				"Smooth transaction! The item is in even better condition than expected, many thanks."},
			neutral:    []string{"Item is fine, but shipping unfortunately took almost a week. Otherwise okay."},
			negative:   []string{"Unfortunately not as described: clear scratches that weren't visible in the photos. Replies took days."},
			short:      []string{"All good, thanks!", "Great!"},
			aboutBuyer: []string{"Very pleasant buyer, quick payment and friendly communication. Welcome any time!"},
		},
	}
}

// language returns the language two accounts write to each other in.
func language(a, b *account) string {
	if a.lang() == b.lang() {
		return a.lang()
	}
	return "en"
}
