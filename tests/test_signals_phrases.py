"""Phrase signals: for each, notes that must make it fire and near-misses that must not."""

from __future__ import annotations

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.model import Request

# signal -> list of (case id, note) that must fire it
FIRES: dict[str, list[tuple[str, str]]] = {
    "PHRASE_DEFAULT_TEXT": [
        (
            "de-seed",
            "Sehr geehrter Herr Kilian, ich würde Sie gerne zu meinen Kontakten hinzufügen.",
        ),
        ("de-ae", "ich wuerde Sie gern zu meinen Kontakten hinzufuegen"),
        ("de-dich", "Hi, ich möchte dich gerne in mein Netzwerk aufnehmen."),
        ("de-bestaetigung", "Ich freue mich auf Ihre Bestätigung."),
        ("en-linkedin", "I'd like to add you to my professional network on LinkedIn."),
        ("en-connect", "Hi Anna, I would like to connect with you."),
    ],
    "PHRASE_SENT_VIA_APP": [
        ("de-seed", "per iPhone-App"),
        ("de-android", "Gesendet von meinem Android Smartphone"),
        ("en-iphone", "Sent from my iPhone"),
    ],
    "PHRASE_PROFILE_INTERESTING": [
        ("de-seed", "Auch sonst ist Ihr Profil sehr interessant für mich."),
        ("de-spannend", "Ihr Profil finde ich wirklich spannend!"),
        ("en-impressive", "Your profile is really impressive."),
        ("en-came-across", "I came across your profile and wanted to reach out."),
    ],
    "PHRASE_INTEREST_PRETEXT": [
        ("en-lot-in-common", "I noticed we have a lot in common, let's connect."),
        ("de-gemeinsamkeiten", "Wir haben viele Gemeinsamkeiten, lass uns vernetzen."),
        ("de-auch-ich", "Auch ich interessiere mich sehr für Oldtimer."),
        ("de-auch-sie-lieben", "Auch Sie lieben das Bogenschießen? Wie schön."),
        ("de-magst-du-auch", "Magst du auch Fado? Das verbindet uns."),
        ("de-teilen", "Wie ich sehe, teilen Sie meine Begeisterung fürs Bogenschießen."),
        ("de-seed", "Ich habe gesehen, dass Sie sich auch für Golf interessieren."),
        ("de-ebenfalls", "wie ich sah, dass Sie sich ebenfalls für Oldtimer interessieren"),
        ("en-also", "I noticed you are also interested in blockchain."),
        ("en-share", "We share a passion for sailing!"),
    ],
    "PHRASE_INTERNET_RESEARCH": [
        ("en-when-searching", "I found your profile when searching online for roofers."),
        ("de-netz", "Bei einer Recherche im Netz bin ich auf Sie gestoßen."),
        ("de-seed", "Ich bin durch eine Internet Recherche auf Ihre Seite aufmerksam geworden."),
        ("de-compound", "Bei meiner Internetrecherche bin ich auf Sie gestoßen."),
        ("de-google", "Ich habe Sie bei Google gefunden."),
        ("en-online", "While researching online I found your page."),
    ],
    "PHRASE_SHARED_GROUP": [
        ("de-seed", "Wie ich lese, sind Sie ja auch in der Gruppe Aufträge und Kundengewinnung!"),
        ("de-gemeinsam", "Wir sind in der gleichen XING-Gruppe."),
        ("de-mitglied", "Da wir beide Mitglied der Gruppe Mittelstand sind"),
        ("en-both", "We are both members of the Digital Marketing group."),
    ],
    "PHRASE_SAME_FIELD": [
        ("de-ebenfalls-apothekerin", "Ich bin ebenfalls Tierärztin und würde mich gern vernetzen."),
        ("en-in-too", "I'm in logistics too, happy to connect."),
        ("en-like-you", "Like you, I work in procurement."),
        ("de-wie-ich-unterwegs", "Da Sie wie ich im Baurecht unterwegs sind, passt das."),
        ("de-seed", "da Sie ebenso im Bereich Marketing und Werbung in Deutschland arbeiten"),
        ("de-branche", "Wir sind ja in der gleichen Branche tätig."),
        ("en-industry", "Since we both work in the same industry, let's connect."),
        ("de-region", "Wir kommen beide aus Bayern, da sollten wir uns vernetzen."),
        ("en-based", "We're both based in Rotterdam."),
    ],
    "PHRASE_ACQUISITION_TALK": [
        ("de-seed", "bei Gelegenheit über verschiedene Möglichkeiten der Kundengewinnung sprechen"),
        ("de-akquise", "Gern würde ich mich mit Ihnen über Akquise austauschen."),
        ("en-growth", "Would love to discuss ways to bring in new clients."),
    ],
    "PHRASE_SEEKING_CONTACTS": [
        ("en-like-you", "I'm keen to connect with professionals like you."),
        ("de-seed-typo", "Ich suche derzeit gute Kontake aus dem Bereich Gebäudetechnik."),
        ("de-branche", "Ich suche Kontakte in der Baubranche."),
        ("en-connect", "I'm looking to connect with professionals in logistics."),
    ],
    "PHRASE_SYNERGIES": [
        ("de-seed", "Vielleicht ergeben sich wertvolle Synergien."),
        ("de-typo", "Es gibt sicher Synergieen."),
        ("de-compound", "Ich sehe große Synergiepotenziale."),
        ("en-synergies", "I'd love to explore potential synergies."),
        ("en-mutual", "This could be mutually beneficial."),
    ],
    "PHRASE_WIN_WIN": [
        ("de-grosses-bewirken", "Gemeinsam können wir Großes bewirken."),
        ("de-uns-beiden", "Ich habe eine Idee, die uns beiden nützen könnte."),
        ("de-fuer-uns-beide", "Ein Gespräch wäre für uns beide sicher lohnend."),
        ("de-idee-profitieren", "Ich habe eine Idee, von der Ihre Firma profitieren könnte."),
        ("de-vorteile-fuer-beide", "Das bringt Vorteile für beide."),
        ("de-seed", "Eine Win-Win-Situation nach Kontaktbestätigung!"),
        ("de-beide", "Das bringt Vorteile für beide Seiten."),
        ("de-beiderseitig", "zum beiderseitigen Nutzen"),
        ("en-win", "It's a win-win for both of us."),
        ("en-both", "There is value for both sides."),
    ],
    "PHRASE_VAGUE_EXCHANGE": [
        ("de-spannende-vakanz", "Ich habe eine spannende Vakanz für Sie."),
        ("de-spannenden-austausch", "Ich freue mich auf spannenden Austausch mit Ihnen."),
        ("de-mehrwert-schaffen", "Ich bin sicher, wir können gemeinsam Mehrwert schaffen."),
        ("de-geht-was-zusammen", "Ich denke, da geht was zusammen zwischen uns."),
        ("en-perfect-person", "I think you'd be the perfect person to have on board for this."),
        ("en-natural-fit", "There's a natural fit between our agency and your firm."),
        ("en-stay-in-touch", "Let's stay in touch, Anna."),
        ("de-austausch", "Ich würde mich über einen Austausch freuen."),
        ("de-kooperation", "Eine mögliche Zusammenarbeit wäre denkbar."),
        ("en-ideas", "Happy to exchange ideas."),
    ],
    "PHRASE_CALENDAR_WISDOM": [
        ("de-seed", "„Kein engeres Band gibt es unter den Menschen als gemeinsam gewollte Ziele.“"),
        ("de-ford", "Wie schon Henry Ford sagte: Zusammenkommen ist ein Beginn."),
        ("de-motto", "Ganz nach dem Motto: Gemeinsam sind wir stärker."),
        ("en-quote", "As Henry Ford once said, coming together is a beginning."),
        ("en-fast", "If you want to go fast, go alone; if you want to go far, go together."),
    ],
    "PHRASE_CONTACTS_HURT": [
        ("de-seed", "„Kontakte schaden nur dem, der keine hat.“"),
        ("de-plural", "Kontakte schaden nur denen, die keine haben."),
        ("de-geben", "Netzwerke leben vom Geben und Nehmen."),
        ("de-zweimal", "Man sieht sich immer zweimal im Leben."),
        ("en-networth", "Your network is your net worth!"),
        ("en-who", "It's not what you know, it's who you know."),
        ("de-nur-so", "Ein Netzwerk ist nur so stark wie seine Mitglieder."),
        ("de-nie-wissen", "Man weiß ja nie, wann sich die Wege kreuzen."),
        ("en-never-know", "You never know when our paths will cross."),
        ("en-cant-hurt", "It can't hurt to know more people in sales."),
    ],
    "PHRASE_ARTIFICIAL_GREETING": [
        ("de-seed", "Heitere Grüße aus dem sonnenverwöhnten Oberfranken"),
        ("de-sonnig", "Sonnige Grüsse aus dem schönen Allgäu"),
        ("en-sunny", "Sunny greetings from California!"),
    ],
    "PHRASE_EXPAND_NETWORK": [
        ("en-grow-your-network", "Would you like to grow your network with me?"),
        ("en-building-my-network", "I'm new on here and building my network."),
        ("en-always-new-people", "I'm always happy to meet new people in the trade."),
        ("de-offen-neue-kontakte", "Ich bin stets offen für neue Kontakte."),
        ("en-connections", "I'm expanding my connections in the retail sector."),
        ("de-target", "Mein Ziel sind 3000 Kontakte bis Ostern."),
        ("en-mission", "My goal is to reach 1000 connections this year."),
        ("de-erweitern", "Ich möchte mein Netzwerk erweitern."),
        ("en-expand", "I'm looking to expand my network."),
        ("en-like-minded", "Always great to meet like-minded professionals."),
        ("de-verb-first", "Ich erweitere gerade mein Netzwerk um Kontakte aus der Logistik."),
        ("de-vernetze", "Ich vernetze mich aktuell mit Unternehmern aus Franken."),
    ],
    "PHRASE_OPEN_NETWORKER": [
        ("de-jede", "Ich nehme jede Kontaktanfrage an."),
        ("en-lion", "I am a LION - LinkedIn open networker."),
        ("en-accept", "I accept all invitations."),
    ],
    "PHRASE_CONTACT_PARTY": [
        ("de-party", "Wir haben uns auf der XING-Kontaktparty gefunden."),
        ("de-session", "Danke für die Teilnahme an der Kontaktsession!"),
        ("en-party", "Join our connection party for new connections!"),
    ],
    "PHRASE_PROFILE_VISIT": [
        ("de-besuch", "Danke für Ihren Profilbesuch!"),
        ("de-angesehen", "Sie haben sich mein Profil angesehen."),
        ("en-viewed", "I noticed you viewed my profile."),
        ("de-vorbeigeschaut", "Schön, dass Sie auf meinem Profil vorbeigeschaut haben."),
        ("en-stopping-by", "Thanks for stopping by my profile!"),
    ],
    "PHRASE_MUTUAL_CONNECTIONS": [
        ("de-gemeinsam", "Wir haben viele gemeinsame Kontakte."),
        ("en-mutual", "We have 12 mutual connections."),
    ],
    "PHRASE_FREE_DOWNLOAD": [
        ("de-buch-sonderpreis", "Mein Buch zum Thema Netzwerken gibt es gerade zum Sonderpreis."),
        ("en-first-users", "Half price for the first 50 users, grab it now."),
        (
            "en-free-subscription",
            "We'd like to give you a free 3-month subscription to our magazine.",
        ),
        ("de-workbook", "Hier gibt es mein Gratis-Workbook zur Jahresplanung."),
        ("de-erste-lektionen", "Die ersten drei Lektionen sind kostenlos."),
        ("de-gratis-pdf", "Hol dir das Gratis-PDF mit allen Vorlagen."),
        ("en-free-video", "Watch my free five-minute video on pricing."),
        ("de-download", "Hier geht's zum kostenlosen Download meiner Checkliste."),
        ("de-gratis", "Gratis Leitfaden für Sie!"),
        ("en-free", "Grab your free guide here."),
    ],
    "PHRASE_WEBINAR_INVITE": [
        ("de-infoabend", "Ich lade Sie zu unserem Info-Abend 'Mehr Umsatz im Handwerk' ein."),
        ("en-complimentary", "You're invited to a complimentary seminar on pension planning."),
        ("de-webinar", "Ich lade Sie zu meinem kostenlosen Webinar ein."),
        ("de-anmelden", "Sichern Sie sich einen Platz im Webinar am Donnerstag."),
        ("de-online-seminar", "Mein nächstes Online-Seminar startet bald."),
        ("en-webinar", "Join my free webinar next week!"),
        ("en-seat", "Save your seat for our masterclass."),
        ("de-live-session", "Am Montag halte ich eine Live-Session, die Teilnahme ist gratis."),
    ],
    "PHRASE_EBOOK_NEWSLETTER": [
        (
            "en-put-together-toolkit",
            "I've put together a toolkit for new team leads, shall I send the link?",
        ),
        ("de-facebook-gruppe", "Ich lade dich in meine Facebook-Gruppe für Gründerinnen ein."),
        ("en-subscribed-you", "I've taken the liberty of subscribing you to our digest."),
        ("de-telegram", "In meiner Telegram-Gruppe gibt es jeden Tag Neues."),
        ("de-verteiler", "Ich nehme Sie gern in meinen Verteiler auf."),
        ("de-infobrief", "Darf ich Ihnen unseren Infobrief schicken?"),
        ("de-ebook", "Mein neues E-Book „Reich in 2 Tagen“ ist da."),
        ("de-newsletter", "Tragen Sie sich in meinen Newsletter ein."),
        ("en-ebook", "Download my eBook on sales."),
        ("en-newsletter", "Subscribe to our newsletter for tips."),
    ],
    "PHRASE_GET_RICH": [
        ("en-lose-kg", "I help busy mums lose 10kg in 30 days, interested?"),
        ("de-kilo-abnehmen", "Mit meinem Programm kannst du 8 Kilo in vier Wochen abnehmen."),
        ("en-from-my-phone", "Made €3k last month working two hours a day from my phone."),
        ("en-time-for-money", "Are you tired of trading time for money?"),
        ("en-widow", "I am a widow looking for a trusted person to receive funds."),
        (
            "de-geschaeftsmoeglichkeit",
            "Ich hätte eine Geschäftsmöglichkeit, die Sie nebenberuflich betreiben können.",
        ),
        ("de-team-mamas", "Ich suche motivierte Mamas für mein Team."),
        ("de-figures", "Mit meinem System verdienen Sie monatlich fünfstellig nebenher."),
        ("en-first-million", "I made my first million before thirty, ask me how."),
        ("de-seed", "Interesse an einem 7-Jahres-Kurs zur finanziellen Freiheit?"),
        ("de-passiv", "Bauen Sie sich ein passives Einkommen auf."),
        ("de-mlm", "Wir suchen Vertriebspartner im Network Marketing."),
        ("en-freedom", "Achieve financial freedom in 12 months."),
        ("en-home", "Work from home and be your own boss!"),
        ("de-provision", "Bei uns verdienen Sie attraktive Provisionen von zu Hause."),
        ("en-commission", "Earn generous commissions on every sale in my team."),
    ],
    "PHRASE_COACHING_PITCH": [
        ("de-schenke", "Ich schenke Ihnen ein Strategiegespräch mit mir."),
        ("de-erstgespraech", "Buchen Sie ein kostenloses Erstgespräch mit mir."),
        ("de-programm", "Mein Coaching-Programm hilft Ihnen, mehr zu verdienen."),
        ("en-call", "Book a free strategy call with me."),
    ],
    "PHRASE_LEAD_GEN_PITCH": [
        ("en-help-land-clients", "I help coaches land five new clients a month without ads."),
        ("de-garantiert", "Unser System liefert 30 Anfragen pro Monat garantiert."),
        ("de-leads", "Wir generieren mehr Leads pro Monat für Ihr Unternehmen."),
        ("de-umsatz", "Ich zeige Ihnen, wie Sie Ihren Umsatz verdoppeln."),
        ("en-leads", "We generate qualified leads for agencies like yours."),
        ("en-revenue", "We help you double your revenue."),
    ],
    "PHRASE_LINK": [
        ("de-link", "Schauen Sie mal hier: https://example.com/angebot"),
        ("en-www", "More at www.example.com/offer"),
    ],
    "GOOD_MET_IN_PERSON": [
        ("en-great-game", "Great game of five-a-side last night."),
        ("en-having-us", "Thanks for having us over on Sunday."),
        ("de-am-samstag-beim", "Wir haben uns am Samstag beim Hoffest in Melle kurz unterhalten."),
        ("de-hand-geschuettelt", "Wir haben uns nach dem Konzert kurz die Hand geschüttelt."),
        ("de-ich-war-die-mit", "Ich war die mit dem Hund an der Leine, erinnerst du dich?"),
        ("en-hosting", "It was a pleasure hosting you at our lab in Delft last spring."),
        ("de-danke-dass", "Danke nochmal, dass du mich nach dem Training mitgenommen hast."),
        ("en-same-time", "Great run on Sunday! Same time next week?"),
        ("en-missed-you", "Sorry I missed you at the party, next time!"),
        ("en-great-to-see", "So good to see you, Anna!"),
        ("en-bump", "So nice to bump into you at the book fair."),
        ("en-that-coffee", "Let's grab that coffee next week."),
        ("en-see-you-at", "See you at the gym on Monday!"),
        (
            "de-seed",
            "Sehr geehrter Herr Kilian, und wie hat Ihnen gestern die Veranstaltung gefallen?",
        ),
        ("de-messe", "Wir haben uns auf der Messe in Köln kennengelernt."),
        ("de-gespraech", "Danke für das nette Gespräch beim Stammtisch."),
        ("en-met", "Great meeting you at the conference yesterday!"),
        ("en-discussed", "As discussed on the phone, here is my request."),
        ("de-zusammenarbeit", "Servus Stefan, war ne gute Zusammenarbeit letzte Woche am Rohbau."),
        ("de-hospitiert", "Ich habe im Sommer bei Ihnen hospitiert."),
        ("de-durfte", "Danke, dass ich gestern beim Dreh zuschauen durfte!"),
        ("en-jamming", "Great jamming with you at the meetup!"),
        ("en-alongside", "It was a pleasure to work alongside you on the bridge project."),
        ("de-club", "Moin Jens, war ein tolles Doppel gestern beim Tennisverein, bis Samstag!"),
        ("de-weekday", "Danke für die Tipps am Dienstag im Fitnessstudio."),
        ("en-gym", "Hey Sam, Marta from the Thursday yoga class at the gym, good to see you here."),
    ],
    "GOOD_KNOW_EACH_OTHER": [
        ("en-midwife", "You were my midwife when our son was born in 2019."),
        ("en-carpooled", "We carpooled to the Leeds site every day in 2017."),
        ("en-and-mine", "Your son and mine are in the same swimming class."),
        ("en-same-again", "Same again next Thursday?"),
        ("en-on-your-course", "I was on your first-aid course at the community centre."),
        ("en-both-presented", "We both presented at the Bristol Data meetup in June."),
        ("en-paths-crossed", "Our paths crossed at Deloitte in 2015."),
        ("en-sold-me", "You sold me my first road bike at the shop on Gloucester Road."),
        ("en-husband-mentioned", "Your husband mentioned you're looking for a childminder."),
        ("de-damals-zusammen", "Wir haben damals zusammen im Schichtdienst gearbeitet."),
        ("de-geraten", "Ihr Kollege hat mir geraten, mich direkt an Sie zu wenden."),
        ("en-next-to-yours", "Jess from the plot next to yours here, your beans are back."),
        ("en-tuesday-club", "It's Morag from the Tuesday cycling club!"),
        ("en-left-your", "You left your umbrella at our stand."),
        ("en-person-suggested", "Ewan suggested we connect, he says you know Jura wines."),
        ("de-erklaert", "Du hast mir beim Segelkurs letzte Woche die Knoten erklärt."),
        ("en-both-volunteers", "We were both volunteers at the Bath half water station."),
        ("en-your-guest", "I was your guest at the farm B&B last August."),
        ("en-tenant-from", "I'm the tenant from flat 3 on Mill Lane."),
        ("en-thanks-sorting", "Thanks for sorting the leak so quickly last week."),
        ("de-bei-ihnen-gemacht", "Ich habe bei Ihnen 2019 den Staplerschein gemacht."),
        ("de-ham-zusammen", "Wir ham zusammen die Scheune in Melle saniert, weißt du noch?"),
        ("en-shipped-together", "We shipped that little puzzle game together back in 2015."),
        ("en-climbed-together", "We climbed together on the club trip to Snowdonia."),
        ("en-co-teaching", "It was a pleasure co-teaching the spring module with you."),
        ("de-fuer-uns-gestaltet", "Sie haben für uns damals das Vereinslogo gestaltet."),
        ("de-selber-tisch", "Wir saßen beim Kongress in Leipzig am selben Tisch."),
        ("de-alte-gruppe", "Hier ist Ute aus deiner alten Laufgruppe!"),
        ("de-war-bei-ihnen", "Ich war von 2010 bis 2014 Azubi bei Ihnen in der Filiale."),
        ("en-shifts", "We covered the Saturday shifts together at the bike shop."),
        ("en-you-did-on-our", "You did the damp survey on our cottage in Frome."),
        ("en-played-against", "We played against each other in the regional squash ladder."),
        ("en-again", "It would be great to work together again on the next barn."),
        ("en-new-on-team", "I'm the new analyst on the pricing team, starting Monday."),
        ("en-the-one-whose", "I'm the one whose kayak drifted off at the club open day."),
        ("de-war-bei-euch", "Ich war zwei Jahre Aushilfe bei euch in der Backstube."),
        ("de-neue-mit", "Ich bin der Neue mit dem gelben Helm aus der Kletterhalle."),
        (
            "de-bei-uns-gehalten",
            "Sie haben bei uns im Kindergarten den Vortrag zur Sprachförderung gehalten.",
        ),
        (
            "de-ich-bin-der-der",
            "Ich bin der Vater, der beim Sommerfest nach den Kursen gefragt hat.",
        ),
        ("de-vermittelt", "Sie haben uns letztes Jahr kurzfristig eine Hebamme vermittelt."),
        ("de-neue-kollegin", "Ich bin die neue Kollegin in der Kanzlei."),
        ("en-erasmus", "We were on the same Erasmus in Lyon."),
        ("de-old-team", "Hallo Mirko, hier ist Bea aus deinem früheren Büro in Ulm."),
        ("de-feminine", "Ich war drei Jahre lang Ihre Mandantin, jetzt bin ich in Rente."),
        ("de-next-practice", "Bis Dienstag beim Training, ich bring die Bälle mit!"),
        ("en-course", "Hi Dan, it's Lea from the evening class at Birkbeck."),
        ("en-used-to", "We used to share a flat in Leeds, remember?"),
        ("en-class-of", "Class of 2009 says hello!"),
        ("de-kollege", "Hallo Jan, wir kennen uns noch aus der Zeit bei Siemens."),
        ("de-ehemalig", "Als ehemalige Kollegin wollte ich mich mal melden."),
        ("en-worked", "We worked together at Acme back in 2015."),
        ("de-azubi", "Ich war von 2016 bis 2019 Ihr Azubi."),
        ("de-jahre", "Nach drei Jahren gemeinsamer Projektarbeit wollte ich mich hier melden."),
        ("de-hier-vom", "Tobi vom Kletterwochenende hier!"),
        ("en-same-panel", "We were on the same panel last spring."),
        ("en-buddy", "Surf buddy from Ericeira here!"),
        ("en-found", "Finally found you on this site, it's Tom from uni!"),
        ("de-gefunden", "Na endlich hab ich dich hier gefunden!"),
        ("de-referral", "Herr Brandt aus Ihrem Team sagte, ich solle mich bei Ihnen melden."),
        ("de-new-client", "Ich bin der neue Kunde, der ab März die Wartung bei Ihnen hat."),
    ],
    "GOOD_HONEST_INTENT": [
        (
            "de-gern-als-kunden",
            "Ich hätte gern Ihre Kanzlei als Kunden für unsere Aktenvernichtung.",
        ),
        ("en-to-pitch", "I'd like to pitch our bookkeeping service to your practice."),
        ("en-pitch-plainly", "I'll pitch plainly: we clean offices at night."),
        ("de-verkaufsgespraech", "Das ist ein Verkaufsgespräch, das sage ich lieber gleich."),
        (
            "de-seed",
            "Wir kennen uns beide noch nicht und ich möchte Sie als neuen Kunden gewinnen.",
        ),
        ("de-offen", "Ganz offen: Ich verkaufe Software und glaube, sie passt zu Ihnen."),
        ("en-upfront", "I'll be upfront: I sell accounting software."),
        ("de-mandant", "Ich hätte Ihre Firma gern als Mandantin."),
        ("de-mitglied", "Wir würden Sie gern als Mitglied gewinnen."),
        ("en-customer", "We'd love your firm as a direct customer."),
    ],
    "GOOD_DIRECT_OFFER": [
        (
            "de-mandat-fuer-die",
            "Ich habe ein Mandat für die Geschäftsführung eines Stadtwerks in Franken.",
        ),
        (
            "en-could-service",
            "I'm a mobile mechanic and I could service your pool bikes once a month.",
        ),
        ("en-like-to-cater", "I would like to cater your office's summer party."),
        ("en-your-man", "If your videos need a Welsh voice, I'm your man."),
        ("en-on-request", "Demo reel on request."),
        ("en-with-mill", "I'm with a small paper mill in Cumbria."),
        ("en-fixed-quote", "Happy to send a fixed quote."),
        ("de-uebernehme-gern", "Solche Aufträge übernehme ich gern."),
        ("de-schreinerei-fertigt", "Unsere Schreinerei fertigt Praxismöbel nach Maß."),
        ("de-entwurf", "Für Ihre neue Praxis würde ich Ihnen gern einen Entwurf zeichnen."),
        ("de-stelle-als", "Ich habe eine Stelle als Teamleitung Disposition in Hamm zu besetzen."),
        ("de-preis-besichtigung", "Zweimal die Woche abends, Preis nach Besichtigung."),
        ("de-pauschale", "Porträts für Ihr Team, Pauschale für bis zu zehn Personen."),
        ("de-vertrete", "Ich vertrete einen Hersteller von Pflegebetten aus Thüringen."),
        (
            "de-angebot-machen-frage",
            "Darf ich Ihnen ein unverbindliches Angebot für die Wartung Ihrer Anlagen machen?",
        ),
        ("en-corporate-rate", "If your staff relocate, we'd give them a 10% corporate rate."),
        ("de-verweisen", "Wir verweisen Tinnitus-Fälle gern an Ihre Praxis."),
        ("de-abrechnung", "Abrechnung nach Stunden, Material extra."),
        ("de-und-suche-auftraege", "Ich bin Malerin und suche Aufträge für den Winter."),
        ("en-as-stockist", "Our range is growing and we'd love you as a stockist."),
        (
            "de-anbieten-long",
            "Ich würde deinem Verein gern einen Kurs für Trainer*innen im Jugendbereich anbieten.",
        ),
        ("de-herstellen-long", "Wir stellen Gerüste nach DIN EN 12811 im Werk Bielefeld her."),
        ("de-angebot-machen", "Ich würde Ihnen gern ein Angebot für die Reinigung machen."),
        ("de-swap", "Ich schicke Ihnen Mieter mit Rechtsfragen, Sie mir die, die kaufen wollen."),
        ("de-herstellen", "Wir stellen Sicherheitsschuhe in Pirmasens her."),
        ("de-biete-an", "Ich biete seit zehn Jahren Yogakurse für Belegschaften an."),
        ("de-ich-mach", "Ich mach Buchhaltung für Handwerksbetriebe im Allgäu."),
        ("en-swap", "I send you clients who need a will, you send me those who sell a house."),
        ("en-run-workshops", "I run repair workshops for schools across Avon."),
        ("en-concrete-role", "I have a concrete opening: finance lead at a Bristol charity."),
        ("en-agent-for", "I'm the UK agent for a small Sicilian olive oil press."),
        ("en-onto-list", "We'd love to get our cider onto your menu."),
        ("en-be-the-one-you-send", "I'd like to be the tester you send your clients to."),
        ("en-pay-fee", "We'd pay you a fee for every guest you bring."),
        ("en-fixed-fees", "Fixed fees for every survey, no surprises."),
        ("de-anbieten", "Ich würde Ihrem Team gern einen Erste-Hilfe-Kurs anbieten."),
        ("de-gegenzug", "Im Gegenzug lege ich Ihre Karten an meiner Kasse aus."),
        ("de-konkrete-stelle", "Ich habe eine konkrete Stelle: Teamleitung Lager in Hamm."),
        ("de-suche-kunden", "Ich suche Kunden für meinen Treppenhausputz im Raum Kassel."),
        (
            "de-selbststaendig",
            "Ich habe mich im Frühjahr mit einem Umzugsservice selbstständig gemacht.",
        ),
        ("de-tarif", "Ihre Leute parken bei uns zum Firmentarif."),
        ("de-ins-geschaeft", "Ich würde gern mit Ihnen ins Geschäft kommen."),
        ("de-betreuen-apotheken", "Wir beliefern bereits zwölf Apotheken im Sauerland."),
        ("de-broker", "Als Finanzplaner betreue ich Ärztinnen in ganz Hessen."),
        ("de-fertigen", "Wir fertigen Schilder aus Aluminium in jeder Größe."),
        ("de-bieten", "Wir bieten Lohnbuchhaltung für Handwerksbetriebe an."),
        ("de-stelle", "Für eine Stelle als Teamleitung Controlling suche ich Kandidaten."),
        ("en-offer", "We offer managed backups for small law firms."),
        ("en-hiring", "We're hiring a senior data engineer in Berlin."),
        ("de-trade", "Ich mache Imagefilme für Handwerksbetriebe."),
        ("de-angebot", "Falls Sie umbauen, mach ich Ihnen gern ein Angebot."),
        ("de-vermieten", "Wir vermieten Seminarräume in der Altstadt."),
        ("en-customer-list", "Would love to have your studio on my client list."),
    ],
    "GOOD_PROFILE_REFERENCE": [
        ("de-answered", "Sie haben mir in der Gruppe auf meine Frage zur Dämmung geantwortet."),
        ("de-tip", "Ihr Tipp mit der Gegenfrage hat im Termin wirklich funktioniert."),
        ("en-answered", "You answered my question about churn in the founders group."),
        ("de-seed", "ich verfolge sehr interessiert ihren Blog und den Podcast"),
        ("de-artikel", "Ihr Artikel über Preisverhandlungen hat mir sehr geholfen."),
        ("en-post", "Your post about remote hiring made me think."),
        ("de-you-asked", "Sie haben im Forum gefragt, wer einen guten Statiker kennt: ich."),
        ("en-you-asked", "You asked in the makers group about laser cutters, I run one."),
    ],
    "GOOD_CONCRETE_NEED": [
        ("en-needs-accompanist", "Our choir needs an accompanist for the spring concert."),
        ("en-wondering-how", "I was wondering how you handled your first audit."),
        ("de-frage-mich-wie", "Ich frage mich, wie Sie die Übergabe im Team gestaltet haben."),
        ("de-profil-steht", "In Ihrem Profil steht, dass Sie einen Hausmeister suchen."),
        ("de-price", "Was würde so etwas bei Ihnen kosten?"),
        ("en-volunteers", "We need a few more volunteers for the beach clean-up."),
        ("en-role-open", "Is the position you posted still open?"),
        ("de-berater", "Wir suchen einen Berater für unsere Vertriebsstrategie 2027."),
        ("de-brauchen", "Wir brauchen Unterstützung bei der Einführung von SAP."),
        ("de-koennen", "Könnten Sie uns bei der Umstellung auf E-Rechnungen helfen?"),
        ("en-need", "We need a UX designer for a three-month project."),
        ("en-help", "Could you help us review our onboarding flow?"),
        ("en-your-firm-seeks", "I saw your clinic is looking for night-shift physiotherapists."),
    ],
    "PHRASE_VANITY_AWARD": [
        (
            "en-selected",
            "Congratulations! You've been selected for our Top 100 Engineers list.",
        ),
        ("en-secure", "Secure your listing for a small fee."),
        ("de-gebuehr", "Für die Aufnahme ins Ranking fällt nur eine Bearbeitungsgebühr an."),
    ],
    "GOOD_PRICE_QUOTE": [
        ("de-euro", "Ein Drehtag kostet 890 € netto."),
        ("de-word", "Der Zeilenpreis liegt bei 1,60 Euro."),
        ("en-pound", "Day rate £1,800, travel included."),
        ("en-chf", "The salary is CHF 7,200 a month."),
    ],
    "PHRASE_QUOTED_WISDOM": [
        (
            "de-paren",
            "„Wer aufhört, besser zu werden, hat aufgehört, gut zu sein.“ (Philip Rosenthal)",
        ),
        ("en-dash", "“Great things are done by a series of small things.” – Vincent van Gogh."),
        (
            "de-opening-no-author",
            "Hallo Elif, 'Wer aufhört, besser zu werden, hat aufgehört, gut zu sein.' "
            "In diesem Sinne!",
        ),
        (
            "en-opening-no-author",
            "Hello Dan, 'Surround yourself with people who lift you higher.' Let's connect!",
        ),
    ],
}

# signal -> list of (case id, note) that must NOT fire it: the near-misses
QUIET: dict[str, list[tuple[str, str]]] = {
    "PHRASE_SAME_FIELD": [
        ("de-referral", "Ihr Kollege meinte, ich solle mich hier mal mit Ihnen vernetzen."),
    ],
    "PHRASE_DEFAULT_TEXT": [
        ("de-own-words", "Ich habe Ihren Vortrag gehört und hätte eine Frage zur Preisgestaltung."),
    ],
    "PHRASE_SYNERGIES": [
        ("de-energie", "Ich habe viel Energie in das Projekt gesteckt."),
    ],
    "PHRASE_WEBINAR_INVITE": [
        ("de-chorabend", "Ich lade dich zu unserem Chorabend ein, du singst doch auch?"),
        ("de-your-live", "Ihre Live-Session zur E-Akte hat mir sehr geholfen."),
        ("de-your-waiting-list", "Ich stehe auf Ihrer Warteliste für einen Termin."),
        ("de-your-webinar", "Danke für Ihr Webinar zur Preisgestaltung, es war sehr hilfreich."),
        ("en-your-webinar", "I enjoyed your webinar on pricing very much."),
        ("en-our-workshop", "Our workshop could build the oak frames your profile asks for."),
        ("en-our-training", "Our training ground hosts the regional youth league."),
        ("en-live-recording", "Here is a live session of my band: example.org/v. Thoughts?"),
        ("de-live-recording", "Hier eine Live-Session unseres Quartetts, wie gefällt sie Ihnen?"),
    ],
    "PHRASE_SEEKING_CONTACTS": [
        ("en-contract", "I'm looking for my next contract from April."),
        ("de-need", "Wir suchen einen Trainer für unser Vertriebsteam."),
    ],
    "GOOD_CONCRETE_NEED": [
        (
            "de-frage-mich-ob-synergien",
            "Ich frage mich, ob Sie auch an Synergien interessiert sind.",
        ),
        ("de-contacts", "Ich suche derzeit gute Kontakte aus dem Bereich Gebäudetechnik."),
        ("en-contacts", "I'm looking to connect with professionals in logistics."),
    ],
    "PHRASE_CONTACTS_HURT": [
        ("de-kontakt", "Der Kontakt zu Ihnen würde mir bei meinem Projekt helfen."),
    ],
    "PHRASE_CALENDAR_WISDOM": [
        ("en-insurance", "Get your cover sorted before you need it; I quote from £9 a month."),
        ("de-said", "Wie Sie in Ihrem Vortrag sagten, zählt der erste Eindruck."),
    ],
    "PHRASE_SHARED_GROUP": [
        ("de-zielgruppe", "Unsere Zielgruppe sind kleine Handwerksbetriebe in Bayern."),
    ],
    "GOOD_DIRECT_OFFER": [
        ("en-translate-ideas", "I can translate your ideas into growth, let's connect."),
        ("en-run-idea", "I'd love to run an idea past you."),
        ("de-interessante-position", "Ich habe eine interessante Position für Sie."),
        ("de-suche-kontakte", "Ich suche Kontakte im Raum Kassel."),
        ("de-need", "Wir suchen einen Berater für unsere Vertriebsstrategie."),
    ],
    "GOOD_HONEST_INTENT": [
        (
            "de-kennen-uns-nicht",
            "Hallo, wir kennen uns noch nicht, aber ich würde gern mit Ihnen in Kontakt treten.",
        ),
        ("en-never-met", "We've never met, but I'd like to connect."),
        ("en-pitch-in", "I'll pitch in with the tables on Saturday."),
        ("de-plain", "Ich würde Sie gerne zu meinen Kontakten hinzufügen."),
    ],
    "PHRASE_GET_RICH": [
        ("de-savings", "Unsere Software spart Kanzleien vierstellige Beträge im Jahr."),
        ("de-fee", "Ich vermittle Dolmetscher an Kliniken gegen 8 % Provision vom Auftrag."),
        ("en-commission-verb", "Our museum wants to commission you for a mural in the lobby."),
        ("en-royalties", "We would pay a fixed fee plus royalties for the sound design."),
    ],
    "PHRASE_VANITY_AWARD": [
        ("de-congrats", "Herzlichen Glückwunsch zur Nominierung für den Handwerkspreis!"),
    ],
    "GOOD_PRICE_QUOTE": [
        ("de-count", "Wir sind ein Softwarehaus mit 35 Mitarbeitenden."),
    ],
    "PHRASE_QUOTED_WISDOM": [
        ("de-title", "Ihr Artikel „Homeoffice-Regeln rechtssicher gestalten“ kam genau richtig."),
        ("de-title-opening", "Hallo Herr Kraus, 'Kassennachschau ohne Panik' hat mir geholfen."),
        (
            "de-customer-words",
            "Guten Tag, wir bauen Kassensoftware für Cafés. Eine Kundin schrieb uns: "
            "'Endlich eine Kasse, die einfach funktioniert.' Darf ich sie Ihnen zeigen?",
        ),
    ],
    "GOOD_KNOW_EACH_OTHER": [
        ("en-sold-me-on", "You sold me on the idea of ratings-free reviews."),
        ("en-monday-linkedin-group", "I'm from the Monday morning LinkedIn group, let's connect."),
        ("en-linkedin-suggested", "LinkedIn suggested we connect, so here I am."),
        ("de-gedacht", "Ich habe bei Ihnen sofort an eine Zusammenarbeit gedacht."),
        ("en-both-members", "We're both members of the Leeds Running group."),
        ("de-gemeinsam-vor", "Wir haben gemeinsam viel vor, lassen Sie uns sprechen."),
        ("en-built-together-with", "We've built a scheduling tool together with forty clinics."),
        ("en-pleasure-connect", "It was a pleasure to connect with you."),
        ("en-one-with-offer", "I'm the one with the best rates in town."),
        ("de-berater-der", "Ich bin der Berater, der Ihnen bei allen Fragen zur Rente hilft."),
        ("en-like-to-work-together", "I'd like to work together on your next project."),
        ("en-present-translate", "I translate your website into German for a flat fee."),
        ("en-could-collaborate", "We could collaborate on something next year."),
        ("en-advise-me", "Could you advise me on label printing?"),
        ("de-firm-intro", "Hallo, hier ist Max von der Firma Beispiel GmbH."),
    ],
    "GOOD_MET_IN_PERSON": [
        (
            "en-session-last-spots",
            "Great training offer: join our session, last spots!",
        ),
        (
            "de-am-wochenende-vorgenommen",
            "Wir haben uns am Wochenende vorgenommen, mehr zu netzwerken.",
        ),
        ("de-nie-getroffen", "Wir haben uns noch nie getroffen, aber ich hätte eine Frage."),
        ("en-would-host", "It would be great hosting you at our open day."),
        ("en-see-you-into", "Good to see you're into gravel riding as well!"),
        (
            "en-letterpress",
            "My daughter wants to learn letterpress, do you run workshops for kids?",
        ),
        ("en-thanks-for-time", "Would love to connect. Thank you for your time."),
        ("de-future-call", "Können wir das am Telefon besprechen?"),
        ("de-future-coffee", "Ich würde mich gern bei einem Kaffee mit Ihnen unterhalten."),
        ("en-see-you-here", "Great to see you here on LinkedIn!"),
        ("de-goodbye", "Ich freue mich auf Ihre Antwort. Auf Wiedersehen!"),
        ("en-here", "Hi Linh, I'm a product manager in Berlin. Nice to meet you here."),
        ("de-you-sing", "Wie ich sehe, singen Sie im Chor, ich leite einen Kammerchor."),
        ("en-online-group", "Hi, I'm from the Marketing Leaders group on this platform."),
    ],
    "PHRASE_EXPAND_NETWORK": [
        ("en-network-team", "I'm building the network team at our new data centre."),
        ("de-haus", "Ich baue gerade ein Haus in Regensburg."),
    ],
    "PHRASE_COACHING_PITCH": [
        (
            "en-programme-mentor",
            "We run a 12-week programme for food startups and would love you as a paid mentor.",
        ),
        ("en-seller-call", "I sell payroll software; would you take a 20-minute call next week?"),
    ],
    "PHRASE_FREE_DOWNLOAD": [
        ("en-component", "We make the component racks in Leeds."),
        ("de-erste-meter", "Die ersten zwanzig Meter am Steg sind kostenlos."),
        ("de-free-event", "Die Teilnahme am Hackathon ist kostenlos, hätten Sie Lust?"),
    ],
    "PHRASE_LEAD_GEN_PITCH": [
        ("en-help-buyers", "I help first-time buyers get a mortgage in principle within a week."),
        ("de-auftraege", "Wir haben derzeit 20 Aufträge pro Monat aus dem Raum Köln."),
    ],
    "PHRASE_VAGUE_EXCHANGE": [
        (
            "de-moeglichkeit-seek",
            "Sie suchen eine PTA – ich hätte eine interessante Möglichkeit für Sie: mich.",
        ),
    ],
}

CASES = [(name, case_id, text) for name, rows in FIRES.items() for case_id, text in rows]
QUIET_CASES = [(name, case_id, text) for name, rows in QUIET.items() for case_id, text in rows]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.mark.parametrize(
    ("signal", "case_id", "text"), CASES, ids=[f"{s}-{c}" for s, c, _ in CASES]
)
def test_signal_fires(engine: Engine, signal: str, case_id: str, text: str) -> None:
    verdict = engine.score(Request(text=text))
    hit = next((h for h in verdict.hits if h.name == signal), None)
    assert hit is not None, f"{signal} did not fire; fired: {verdict.signal_names}"
    for span in hit.spans:
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("signal", "case_id", "text"), QUIET_CASES, ids=[f"{s}-{c}" for s, c, _ in QUIET_CASES]
)
def test_signal_stays_quiet(engine: Engine, signal: str, case_id: str, text: str) -> None:
    verdict = engine.score(Request(text=text))
    assert signal not in verdict.signal_names


def test_every_phrase_signal_has_fire_cases() -> None:
    from kontaktfilter.signals.phrases import PHRASE_SIGNALS

    missing = [row[0] for row in PHRASE_SIGNALS if row[0] not in FIRES]
    assert not missing, f"phrase signals without test cases: {missing}"
