"""Triage: labels on the support language plain VADER gets wrong, kinds, priority, queues, topics,
user overrides, and accuracy on the labelled set as a regression guard."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import tui.core.triage as triage_module
from tui.core.triage import (
    TriageConfigError,
    Triager,
    TriageResult,
    queue_for,
)
from tui.core.triage_rules import _alternatives, _join, _Reader
from tui.core.triage_text import plain_text, straight_quotes

DATA = Path(__file__).parents[1] / "data"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PACKAGED = triage_module._packaged_config()
# A user's first crisis / other pattern lands after the packaged ones (lists extend).
CRISIS_PATTERNS = len(PACKAGED["kind"]["crisis"]["patterns"])
# Measured with the packaged model on tests/data/customer_dev.jsonl (see the floor test below).
# In-sample (the model was fitted on these rows): label 0.995, kind 0.993, negatives in priority 0.980.
LABEL_FLOOR = 0.95
KIND_FLOOR = 0.95
NEGATIVES_FLOOR = 0.95
OTHER_PATTERNS = len(PACKAGED["kind"]["other"]["patterns"])


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager.load()


def load(name: str) -> list[dict]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# --- the language the issue names ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "@Dashbite the soup arrived lukewarm",
        "@Dashbite still no update on my order",
        "@Telvio on hold for ages",
        "@NorthBank I've been double-billed for my subscription",
        "Oh wonderful, delayed again, just what I needed",
        "cheers for nothing @SkyLarkAir",
        "Thanks @Dashbite for delivering my dinner at midnight 🙄",
        "Great, another cancelled flight. Thanks a lot",
        # session 27: these two went to champions
        "@Comcast thanks a lot for nothing",
        "@Delta thank you so much for nothing",
        # the marker "thanks for charging" took in the problem "charging me twice"
        "@Uber thanks for charging me twice, really appreciate it",
    ],
)
def test_plain_problems_sarcasm_and_ironic_thanks_are_negative_complaints(
    triager: Triager, text: str
) -> None:
    result = triager.triage(text, now=NOW)
    assert result.label == "negative"
    assert result.sentiment < 0
    assert result.kind == "complaint"
    assert result.queue == "priority"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("@Pixelforge this slaps", marks=pytest.mark.xfail(strict=True, reason=(
            "known miss since the session-4 refit: the kind model reads it as `other` (the rules "
            "say praise; letting them decide cost 0.009 of real kind accuracy)"))),
        "@Stackly the new editor is goated",
        "this latte slaps",
        "the new menu is fire",
        # session 14: with the written lookalikes in the kind model, a handle and two words read as
        # `other` (positive, needs-reply); harsh-word praise in sentences reads better (MODEL-CARD.md)
        pytest.param("@NonnaTrattoria chef's kiss", marks=pytest.mark.xfail(strict=True, reason=(
            "known miss since session 14: the kind model reads a handle and two words as `other`"))),
        "@SkyJet luv u guys",  # a known miss from session 14 to 35; the session 36 refit reads it
    ],
)
def test_slang_praise_is_positive(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert result.label == "positive"
    assert result.kind == "praise"
    assert result.queue == "champions"


def test_plain_vader_gets_these_wrong_so_the_extension_matters(triager: Triager) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    plain = SentimentIntensityAnalyzer()
    for text in ("cheers for nothing", "Oh wonderful, delayed again, just what I needed"):
        assert plain.polarity_scores(text)["compound"] > 0
        assert triager.sentiment(text)[0] == "negative"


def test_sarcasm_needs_bad_news_real_thanks_stay_positive(triager: Triager) -> None:
    assert triager.sentiment("@Telvio thanks a lot, the new router fixed everything")[0] == "positive"
    assert triager.sentiment("@Homely love how fast the delivery was")[0] == "positive"
    assert triager.sentiment("@Homely love how my parcel got thrown over the fence")[0] == "negative"
    assert triager.sentiment("@Skyway thanks for cancelling my old booking so fast")[0] == "positive"
    assert triager.sentiment("@Tunely love how it never skips a beat, best app")[0] == "positive"


@pytest.mark.parametrize(
    "text",
    [
        # real customer tweets' wording that the cross-validated models, which never saw them, read
        # as praise (the shipped model was fitted on the tweets themselves)
        "OMG Never had WORSE Customer Service than @Telvio #EpicFail",
        "@Homely you do a great job empowering your staff to do the right thing, oh wait, you don't.",
        "Thanks @SkyLarkAir for the huge delays. So thrilled to be sitting here for 5 hours #thanksnothanks",
        "The waiter was fine I guess. Not coming back.",
    ],
)
def test_leaving_for_good_worst_ever_and_irony_tags_are_not_praise(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert result.label == "negative"
    assert result.queue != "champions"


@pytest.mark.parametrize(
    "text",
    [
        # session 25 probes: each of these went to `champions`, where `h` would thank them
        "@Shoply the old version was so much better",
        "@Telvio good luck getting anyone on the phone",
        "@Telvio happy to pay more if it actually worked",
        "@Shoply kudos to whoever designed this checkout, said nobody ever",
        "@Airo cheers for the 3 hour delay, lovely way to start the holiday",
        "@Parcelo so much for next day delivery",
        "@Parcelo you had one job",
        "@Telvio I expected better from you",
        "@Airo love that I have to pay extra for a seat next to my 4 year old",
        "@Shoply fair play, you managed to make the app even slower",
        # real wording the cross-validated model sent to `champions` for its "delicious", "best"
        "Hey @Burrito why don't you have chorizo anymore it was the best thing on the menu",
        "BOO at @Burrito who forgot to include my delicious vinaigrette dressing in my bag",
        "Got the new game, so stoked!! Thanks @Telvio and thanks to @Cablo for taking 3 weeks to fit my line",
        # session 26 probes: getting worse by itself, a function broken, a leak onto someone
        "@Fibro truly impressed by how you manage to get slower every month",
        "@Shoply great job breaking login for everyone 👏👏",
        "@Beanly your new cups are a masterpiece of leaking onto my trousers",
    ],
)
def test_praise_taken_back_and_less_than_was_owed_are_complaints(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert (result.label, result.kind, result.queue) == ("negative", "complaint", "priority")


@pytest.mark.parametrize(
    "text",
    [
        "@Telvio thank you so much for sorting my refund",
        "@Airo thanks for the update on the delay, appreciate it",
        "@Pizzo cheers for the 10 minute wait, worth it for the best pizza in town",
        "@Airo good luck to the team tonight!",
        "@Shoply love the new app, the old one was much worse",
        "@Cafeo love that the kids eat free on Sundays",
        # beside the forms of irony session 49 added
        "Great job team, thanks for sorting my refund!",
        "@AcmeAir well done on rebooking me so fast",
        "love sitting on the patio for an hour, best coffee in town",
        "Acme's new album is a masterpiece",
        "support is so good, they answered in 5 minutes",
        # session 62, a real tweet to an airline: thanks one means to say are no scare quotes
        "It's easy to forget to say 'thank you' when you pay for something, but my sincere thanks to "
        "@British_Airways and their wonderful staff for flying my husband all around the world",
        "Another super flight on @British_Airways on 276. Friendly, chatty crew, an early departure and even "
        "earlier arrival and no queue at T5 immigration. Could get used to all that!",
    ],
)
def test_their_sincere_neighbours_stay_praise(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).queue == "champions"


def test_thanks_beside_money_still_owed_is_not_praise(triager: Triager) -> None:
    """A real tweet to an airline (session 62) went to `champions` for its two thank-yous."""
    text = ("@AirAsiaSupport Thank you for your reply. Dear Yana,I only received RM315.08 but total I was "
            "paid RM937.24. May I ask when I can get the balance? Thank you.")
    assert triager.triage(text, now=NOW).queue != "champions"
    owed = triager.triage("@Acme thanks, I only received half of the refund so far", now=NOW)
    assert owed.label == "negative"


def test_frequent_flyers_are_not_for_fucks_sake(triager: Triager) -> None:
    """"us FFs" (a real tweet to an airline, session 62) is no exasperated "ffs"."""
    why = triager.triage("Thank you @AlaskaAir for taking care of us FFs", explain=True).why
    assert not [r for r in why if r.source == "phrase" and "ffs" in r.text.lower()], why
    again = triager.triage("ffs @AlaskaAir again", explain=True).why
    assert any(r.source == "phrase" and "ffs" in r.text.lower() for r in again), again


@pytest.mark.parametrize(
    "text",
    [
        "@Lumen ok thanks. would've been nice to get an email about it instead of finding it myself",
        "Lovely staff. It would be nice if you opened before 8 though",
    ],
)
def test_a_wish_for_what_did_not_happen_is_not_praise(triager: Triager, text: str) -> None:
    """Kind words around a wish ("would've been nice to ...") are no thanks: `h` must not offer
    to thank the person from `champions`."""
    result = triager.triage(text, now=NOW)
    assert result.label != "positive"
    assert result.kind != "praise"
    assert result.queue != "champions"


def test_could_not_have_been_better_is_no_wish(triager: Triager) -> None:
    assert triager.triage("Best service ever, couldn't have been better", now=NOW).queue == "champions"


def test_coming_back_is_praise_only_when_someone_returns(triager: Triager) -> None:
    happy = "@Harbourview best stay ever, definitely coming back!"
    assert triager.triage(happy, now=NOW).queue == "champions"
    kept = "Ledgerly billed us for 45 seats. I've removed the extra seats twice and they keep coming back."
    assert triager.triage(kept, now=NOW).label == "negative"


def test_a_price_going_down_is_not_a_service_going_down(triager: Triager) -> None:
    good = "renewed with @SureShield, price actually went DOWN this year. didn't know that could happen"
    assert triager.triage(good, now=NOW).label == "positive"
    assert triager.triage("@Westwave the site went down again", now=NOW).label == "negative"


def test_have_to_and_has_to_do_not_open_a_question(triager: Triager) -> None:
    said = "Have to say the LicenceAgency online renewal was painless."
    assert triager.triage(said, now=NOW).kind != "question"
    assert triager.triage("Has to be the worst app ever", now=NOW).kind != "question"
    assert triager.triage("have you got oat milk at the Leeds store", now=NOW).kind == "question"


def test_a_statement_about_the_handle_is_not_a_question(triager: Triager) -> None:
    """"@Brand is the worst ISP" says something about the handle; "@Brand is there wifi" asks."""
    assert not triager._is_question("@stackly is one of the best apps in the world")
    assert not triager._is_question("@westwave is the worst isp i've ever had")
    assert triager._is_question("@skylarkair is there wifi on the 9am to leeds")
    assert triager._is_question("@cafeluna are dogs allowed on the terrace")


def test_scare_quotes_are_irony_but_a_quoted_label_on_a_screen_is_not(triager: Triager) -> None:
    def ironic(text: str) -> bool:
        return any("sarcasm" in r.text for r in triager.triage(text, now=NOW, explain=True).why)

    assert ironic("your 'unlimited' data ran out after 2GB")
    assert not ironic("the receipts page has a 'temporarily unavailable' notice now")
    assert not ironic("tapped the 'cancel order' button twice")
    # words someone wrote out are a quotation, not irony (a demo post read as a complaint)
    text = "Bean Club free drink unlocked and the team wrote 'congrats Kev' on the cup. Small things 🥲"
    assert not ironic(text)
    assert triager.triage(text, now=NOW).queue == "champions"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("@Telvio 😡😡 cancelled again", "negative"),
        ("@Telvio 🤡 service", "negative"),
        ("@NonnaTrattoria 😍😍😍", "positive"),
        ("@Stackly new release 🔥", "positive"),
        ("@HarborHotels 👍", "positive"),
    ],
)
def test_emoji_count(triager: Triager, text: str, label: str) -> None:
    assert triager.sentiment(text)[0] == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("@NorthBank not happy with the new fees", "negative"),
        ("@NorthBank the app is not working", "negative"),
        ("@Stackly not bad at all, onboarding was smooth", "positive"),
        ("@NorthBank never had an issue with you", "positive"),
        ("@HarborHotels no complaints at all", "positive"),
        ("Can't recommend @HarborHotels enough", "positive"),
        # VADER negates across sentences ("no water. Unacceptable." -> "not unacceptable")
        ("@SkyLarkAir 4 hours on the tarmac with no water. Unacceptable.", "negative"),
    ],
)
def test_negation(triager: Triager, text: str, label: str) -> None:
    assert triager.sentiment(text)[0] == label


def test_questions_stay_neutral_despite_polite_words(triager: Triager) -> None:
    result = triager.triage("@Stackly how do I cancel my subscription?")
    assert (result.label, result.kind, result.queue) == ("neutral", "question", "needs-reply")


def test_a_polite_request_stays_neutral(triager: Triager) -> None:
    """A known miss from the session-4 refit to session 35 (on real tweets 37 of 41 asking "can you
    help me" report a problem); the session 36 refit, with 3,920 more real rows, reads it calm."""
    result = triager.triage("@SkyLarkAir hi, can you help me change my seat please? Thanks in advance")
    assert (result.label, result.kind, result.queue) == ("neutral", "question", "needs-reply")


# --- kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "@Stackly customer emails showed up in another tenant's workspace, this is a data breach",
        "@Homely the charger overheated and burned my hand",
        "@Dashbite three of us got food poisoning from the chicken",
        "@Telvio network down across the whole city, nobody can call",
        "@Telvio I'm taking you to court over this",
        "@Homely your guard followed me because I'm black",
        # session 25: a vehicle that hit someone's car, a life-saving medicine run out of
        "@Parcelo your delivery driver hit my car and drove off",
        "@Pharmo my insulin delivery never arrived and I've run out",
        "@Pharmo the prescription never came and now I've run out of insulin",
        "Acme just emailed me my own password in plain text. In 2026.",
        # ... and their neighbours that still are
        "@Rail the lift at your station is unsafe, doors open between floors",
        "@Playo my son got hurt on the broken swing in your play area",
        "@Rail my dad had a heart attack on your train and staff took 20 minutes to come",
        "@Busco your bus nearly hit my daughter on the crossing",
        "@Formulo why is the recalled formula still on your shelves?",
        "@Builder we will be suing for the damage your engineer did to our kitchen",
        "@Lettings my lawyer will be in touch",
        "@Cinemo we were evacuated from the cinema, no staff knew where the exits were",
        # session 26: wording two new writers' crises used that no pattern listed
        "@Camly old firmware lets anyone on the same wifi watch the live feed without a password",
        "@Zipo the front wheel wobbled and then came off at low speed, I'm bruised",
        "@Parcelo your driver threw the parcel over the gate and it hit my 4 year old in the face",
        "@Vito my toddler got the child-resistant lid off and ate ten. Poison line says she'll be ok",
        "@Funland our 4yo went missing for 25 minutes and staff wouldn't close the doors",
        "@Meddrop mum's oxygen delivery still hasn't come. She's on her last cylinder",
        "@Meddrop my insulin delivery didn't come yesterday or today and I ran out this morning",
        # session 26 probes
        "@Bankly I can see a stranger's payslips in my documents tab",
        "@Schoolo the app is sending my child's location to a number I don't recognise",
        "@Energo you cut our gas off in January with a newborn in the house, no warning",
        "@Gymco the sauna heater has exposed wires you can touch from the bench",
        # writer x's missed crises (session 26; x spent once measured)
        "chillbox unit MELTED at the plug. the plastic round the pins is brown and warped",
        "🔥🔥 not the good kind. @Chillbox unit on fire in my bedroom. fire service coming",
        "@Chemist the baby formula on your shelf had a split seal and clumps inside",
        "Thanks @Bankly for 'stopping' the fraud AFTER you let four payments straight through",
        "Hi @Camco, security researcher here. Found an unauthenticated endpoint that returns snapshots",
        "Pennywise sent my statement to another member. She can see my salary, my rent, everything.",
    ],
)
def test_crises(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert result.kind == "crisis"
    assert result.label == "negative"
    assert result.queue == "priority"


@pytest.mark.parametrize(
    "text",
    [
        "grabbed lunch at the food court, the @NonnaTrattoria stall was great",
        "life hack: @Dashbite promo codes stack on Tuesdays",
        "@Pixelforge that clutch was sick",
        "@NorthBank we were sick of waiting so we switched banks",
        "I recall ordering from @Homely before",
        "@Telvio internet is down again",
        # a calm message full of account words is not harm: the crisis model speaks only when the
        # mention reads negative
        "@AskeBay The email address associated with my account is __email__ .",
        "@PayLoop how do I add a card to my wallet?",
        "@DentaCare painless filling, I was terrified and they were so calm",
        # the injury a patient arrives with is not an incident
        "@StMarysClinic waited 5 hours in A&E with a broken wrist, no one even offered water",
        # "nobody can tell me" is not an outage hitting everyone
        "my bill doubled and now nobody can tell me who to speak to",
        "I nearly fainted at the price @Drivo",
        "@Homely the wardrobe door fell off after a week",
        # people joining a class or sharing videos is not an intrusion (session 23)
        "@Pedalo someone joined my class and was so encouraging!",
        "@Streamly people joined my stream and it was awesome",
        "@Lensly my videos shared to Instagram look blurry",
        "@Instaly my profile is public now, love the new look",
        "@Homely the shelf fell on the floor, had to rebuild",
        "@Staywell gave us a room key to the pool, nice touch",
        "@Ridely the driver helped me fold my wheelchair, so kind",
        "@Shoply I cancelled my order because the hijab I wanted was out of stock",
        "@Bankly I refused the upgrade, my hearing aids work fine with the app",
        "@Gamely the judge at the tournament was fair",
        "@Cafe the barista grabbed me a free cookie and a napkin",
        "@Shoply my mum was in hospital so I missed the delivery, can you rebook?",
        "@Quickloan gave my dad a payment holiday without any fuss while he was in hospital",
        "@Phoneo the new battery has not swelled at all, great",
        "@Cinema the film froze for 20 min and nobody would give refunds",
        "@Bank I recall 3 times I called you",
        "@Gamely the fall risk in this level is brutal lol",
        "@Homely put the glass in the dishwasher and it came out spotless",
        # a fire alarm that went off and was handled is no incident; one that failed is (session 24)
        "@Cafeo the fire alarm went off during my lunch, staff handled it brilliantly",
        # an allergy asked about or looked after is no harm; a reaction is (session 24)
        "@Cafeo I'm allergic to nuts, do your cookies contain any?",
        "@Cafeo my daughter is allergic to dairy, which drinks can she have?",
        "@Cafeo I have a nut allergy and the staff checked every ingredient for me, so grateful",
        "@Airo can I bring my EpiPen on board?",
        "@Techo is it dangerous to leave the laptop on a bed?",
        "@Shoply do you sell my data to advertisers?",
        "@Gymo do you have classes for people recovering from injury?",
        "@Parcelo can you hit my car with a discount lol",
        "@Stackly do you store passwords in plain text?",
        "@Stackly sent me my password reset link, all sorted thanks",
        # session 25: harm denied, a fright, a joke, a recall asked about
        "@Heato stopped working after 2 months. Not dangerous, just useless. Want a replacement please.",
        "@Kettlo the lid hinge snapped off after a month. Nobody got hurt, but pretty poor for £60.",
        "@Powero winter bill nearly gave me a heart attack. $1,100 for a one bedroom flat.",
        "@Shoeo these shoes are a hazard to my wallet lol",
        "@Sauceo this hot sauce nearly killed me in the best way 🔥🔥",
        "@Formulo is there a recall on your baby formula? Saw a post but can't find anything.",
        "@Parcelo i'm gonna sue my own patience lol, third missed delivery while I was at the door",
        "@Lettings my solicitor needs a copy of my tenancy agreement, can you email it?",
        "@Storeo the fire crew at your store evacuated everyone calmly during the drill, impressive",
        "@Pharmo ran out of my inhaler and your pharmacist sorted me an emergency supply in 10 mins, legends",
        # session 26: burnt toast, an injury that was nobody's fault, harm somewhere else, a
        # scammer stopped, a feature that shares on purpose
        "burnt my toast lol, apparently the @Brekko toaster is too powerful for me",
        "Broke my wrist skiing (nobody's fault but mine) so @Grubly has been feeding me all week",
        "Got hacked last year on a different site. Setting up @Northbank's 2FA took 2 minutes",
        "@Pocketly saved me 🙏 blocked the scammer",
        "@Shopo the winter sale is a BOMB, my basket exploded",
        "@Photoly the guest link lets anyone view the album without a login, perfect for grandparents",
        "@Parcelo my son's parcel went missing again",
        "@Cafeo your kitchen was on fire tonight, best burger in town",
        "@Banko the researcher who found your bug got paid, love to see it",
    ],
)
def test_lookalikes_are_not_crises(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).kind != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "@Cafeo couldn't be happier with my new espresso machine",
        "@Bakeo your cinnamon rolls are to die for",
        "@Telvio can't fault the service",
        "@Telvio never had a problem with you guys",
        "@Telvio nothing but good things to say",
        "@Airo you're killing it this season",
        "@Shoeo stupidly comfortable trainers",
        # session 26 probes: "better" read as "I expected better", "broke" as a fault
        "@Shoply the app just keeps getting better",
        "@Beanly you broke the internet with this one 😍",
        # session 52 travel writers: each read as a complaint
        "@Meridale whoever designed the new lounge with the nap pods: I owe you my sanity",
        "@Greyfield the quiet coach rules are actually being enforced now and I could weep with joy",
        "@Pellory quietest hotel room I've had all year. slept like a stone",
        "@Mekong the new pandan coconut dessert on board... please never take it off the menu",
        # session 53 probes: praise to be passed on read as a question
        "@AmericanAir please tell Tom at the DFW counter he's a star",
        "@united can you let the pilot know that was the smoothest landing ever",
        "@SouthwestAir flight attendant Maria on 1234 was amazing, please tell her",
        # session 53, short airline tweets (writers e, f): each read as a complaint
        "ugh @PelicoAir ruined other airlines for me. everything else feels cramped now",
        "ok @QuillAirways found my bag in 1 day and drove it to my hotel. I take back half the things I said",
        "new app is sooo much faster, don't miss the old one at all @TernwayAir",
        "@CorvidAir you had one job and you did it. on time, bags fast, no drama",
        "sunset over the Rockies from row 8, courtesy of @PortolaAir. no notes",
        # writers i, j
        "refund hit my card in 4 days. @HarborlineAir I stand corrected",
        "first time in business on @QuillonAir and i am ruined for economy forever. worth every mile",
        # writers m, n
        "@OrcaJet didn't hate it",
        "@PinecrestJet i am ANGRY that the snacks on this flight were this good",
        "the @MarisolAir safety video has no right being this catchy. been humming it for 2 days",
        "killer fare to Lima @OrcaJet, grabbed 2",
        # writers q, r
        "that landing was FILTHY 🔥 @Hopscotch_Air pilot understood the assignment",
    ],
)
def test_idioms_made_of_unhappy_words_are_praise(triager: Triager, text: str) -> None:
    """The model reads "happier", "die", "fault", "problem" one by one; the idiom stands."""
    result = triager.triage(text, now=NOW, explain=True)
    assert (result.label, result.kind, result.queue) == ("positive", "praise", "champions")


@pytest.mark.parametrize(
    "text",
    [
        "@Delta after this I'm switching to another airline",
        "@JetBlue time to find a new airline",
        "@Fibro considering switching to @Nimbus, 3rd outage this week",
        # irony over a wait or a fee the rules now name (each went to `champions`)
        "@united wow, 4 hours on the tarmac. thanks united",
        "wow $65 to pick a seat next to my 4 yr old. what a fantastic family-friendly airline 👏👏",
        "45 min in the drive-thru for one iced latte. 10/10 would idle my car again",
        "is there anyone at @TidelineAir who actually reads DMs",
        "since when is there a fee for gate-checking a stroller @HarborlineAir??",
        "great job @QuillonAir, 3 gate changes and zero announcements. truly world class communication 👏",
        "gotta hand it to @CopperlineAir, managed to lose my bag on a nonstop. impressive really",
        "@CopperlineAir love paying $45 for a seat that doesn't recline. great stuff 👏",
        "thank you @TernwayAir for teaching me patience. 6 hrs at gate C22 and counting",
        "@OrcaJetHelp that link just loops back to the login page",
        "so great that @TreshamAir lost my suit bag the day before my brother's wedding. really top notch 👏",
        # session 62, real tweets to airlines that went to `champions`
        "@southwestair thanks 4 leaving our bags out in the rain at MCO 10/8! Very careless!",
        "Sitting in @AmericanAir 5925 at DFW for almost an hour now while the crew finishes paperwork",
    ],
)
def test_a_customer_about_to_leave_or_kept_waiting_is_negative(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert (result.label, result.queue) == ("negative", "priority")


@pytest.mark.parametrize(
    "text",
    [
        "Thank you @PowerCo for the 20 minutes of electricity today. truly blessed",
        "@Fastfood appreciate the extra ice, really, who needs a drink anyway",
        "imagine being this excited about a stamp card lmao. get a life",
    ],
)
def test_thanks_for_minutes_of_service_and_a_brush_off_are_never_praise(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert result.label == "negative" and result.queue != "champions"


def test_an_apology_disbelieved_is_irony_but_making_sure_is_not(triager: Triager) -> None:
    ironic = triager.triage("@BrightsideCoffee 'we're sorry' lol sure you are", now=NOW, explain=True)
    assert any("sarcasm" in reason.text for reason in ironic.why)
    plain = triager.triage("Please make sure you are following us, so we can DM you", now=NOW, explain=True)
    assert not any("sarcasm" in reason.text for reason in plain.why)
    sincere = "thanks for the 20 minutes of your time on the phone today, really helped"
    thanks = triager.triage(sincere, now=NOW)
    assert thanks.label == "positive"


def test_what_a_customer_did_not_have_to_do_is_praise_what_was_done_unasked_is_not(triager: Triager) -> None:
    for text in ("@PinecrestJet refund came through in 3 days. didn't even have to chase. noted.",
                 "@TundraAirways app rebooked me on the 9am before I even reached the desk. impressive"):
        assert triager.triage(text, now=NOW).label == "positive", text
    for text in ("@freshcart swapped my oat milk for semi skimmed without asking. i just want my oat milk",
                 "@AskLyft Is there like a DM version where I don't have to call you on the phone?",
                 "@PillBox you sent me the wrong medication, I took two before I noticed"):
        assert triager.triage(text, now=NOW).label != "positive", text


def test_a_promotion_passed_on_is_neutral(triager: Triager) -> None:
    result = triager.triage("RT @QuillonAir: Flash sale ✈️ Europe from £39 one way, 48 hrs only", now=NOW)
    assert (result.label, result.queue) == ("neutral", "needs-reply")
    complaint = "RT @joe: @united lost my bag and the sale fare was a scam"
    assert triager.triage(complaint, now=NOW).label == "negative"


def test_a_child_left_alone_is_a_crisis(triager: Triager) -> None:
    text = "@PuffinJet left my 6 yr old alone at the gate, unaccompanied minor, she was crying"
    assert triager.triage(text, now=NOW).kind == "crisis"
    assert triager.triage("@PuffinJet I left my kids with grandma and flew solo for once, bliss",
                          now=NOW).kind != "crisis"


def test_a_wish_to_do_it_again_is_no_repeat(triager: Triager) -> None:
    """"10/10 would pass out again" wishes for more; "again" there is no repeated fault."""
    text = "quiet cabin, blanket, slept 7 hrs straight. 10/10 would pass out again @CorvidJet"
    assert triager.triage(text, now=NOW).queue == "champions"


def test_a_phrase_that_cuts_nothing_is_explained_by_its_sentence(triager: Triager) -> None:
    result = triager.triage("@CorvidAir is there a fee for paying w/ amex", now=NOW, explain=True)
    assert any("'is there a fee for paying w/ amex' (hypothetical" in str(r) for r in result.why)


def test_switching_to_the_brand_addressed_is_not_a_loss(triager: Triager) -> None:
    result = triager.triage("@Nimbus switching to @Nimbus from Fibro was the best call I made", now=NOW)
    assert result.label == "positive"


@pytest.mark.parametrize(
    "text",
    [
        # a problem, an unhappy word or irony beside the idiom: the model still decides
        "@Telvio never had a problem with you until this week, now my card is declined everywhere",
        "@Hotelo the room was dirty but I can't fault the staff",
        "@Telvio couldn't be happier to cancel my contract with you",
        "@Shoply keeps getting better at losing my parcels",
        "@Fibro it's getting better but still drops twice a day",
    ],
)
def test_idioms_beside_a_problem_are_not_praise(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).label == "negative"


def test_idioms_do_not_hide_harm(triager: Triager) -> None:
    result = triager.triage("@Bakeo the cake was to die for but three of us got food poisoning", now=NOW)
    assert result.kind == "crisis"


def test_a_user_idiom_stands_and_a_bad_flag_is_named(tmp_path: Path) -> None:
    user = tmp_path / "triage.toml"
    slang = "[phrases.house_slang]\nvalence = 2.5\npatterns = ['\\bare deadly\\b']\n"
    text = "@Bakeo the brownies are deadly"  # Irish for very good
    user.write_text(slang, encoding="utf-8")
    assert Triager.load(user).triage(text, now=NOW).kind == "other"  # the model's reading
    user.write_text(slang + "stands = true\n", encoding="utf-8")
    assert Triager.load(user).triage(text, now=NOW).kind == "praise"
    user.write_text("[phrases.house_slang]\nvalence = 2.5\nstands = 'yes'\npatterns = []\n",
                    encoding="utf-8")
    with pytest.raises(TriageConfigError, match=r"phrases\.house_slang\.stands.*true, false or a label"):
        Triager.load(user)


@pytest.mark.parametrize(
    "text",
    [
        "@SolvaraAir if my connection in Frankfurt is delayed and I miss the next flight, do you rebook me "
        "automatically or do I go to the desk?",
        "@united what happens if my flight is delayed and I miss my connection?",
        "@LanternHotels what's your policy if a train delay means we arrive after reception closes?",
        "@HarbourlineAir how do I cancel the travel insurance add-on without cancelling the whole booking?",
        "@JetBlue will flights out of Boston be cancelled tomorrow because of the storm?",
        # a greeting before it, the handle cut out ("Hey , what happens ...")
        "Hey @united, what happens if my flight is delayed and I miss my connection?",
        # session 53: the price, the time, a change asked for, with no trouble named
        "@CorvidAir is there a fee for paying w/ amex",
        "@JuniperAirways changed my mind on the Denver trip, can I cancel w/in 24h for a full refund?",
        "hi @QuillAirways need to cancel my booking for the 22nd. refund or credit?",
        "can my cat fly in the cabin on @Northlark domestic? 5kg w/ carrier",
        "@flyvello how many kg for carry on w/ the basic fare? first time flying",
        "@FernwayAir cancel within 24h = full refund?",
        # Miami's code is no "missing in action" here
        "@MarisolAir Hello. If my first flight is late and I lose the connection in MIA, you rebook me?",
    ],
)
def test_a_question_about_a_problem_that_has_not_happened_is_neutral(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert (result.label, result.kind, result.queue) == ("neutral", "question", "needs-reply")


@pytest.mark.parametrize(
    "text",
    [
        "@SkyAir what's the point of priority boarding if the flight is always late?",
        "@SkyAir why do I pay for seats if you cancel the flight anyway?",
        "@SkyAir how do I cancel this garbage subscription?",
        "@SkyAir do you even care if my flight is delayed 5 hours again?",
        "@SkyAir is my flight going to be cancelled tomorrow again like last week? 3rd time this month",
        "@SkyAir how do I cancel my account? you charged me twice and nobody answers",
        "@SkyAir can I change my flight? you cancelled the first one and nobody answers the phone",
        "@SkyAir what time does the lounge open. why is it always closed when I land",
        "@YahooCare Can I choose a Yahoo Mail theme that doesn't use 100% of my CPU because of animations?",
    ],
)
def test_a_grievance_asked_as_a_what_if_is_still_negative(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).label == "negative"


def test_a_phrase_that_stands_as_neutral_leaves_praise_to_the_model(triager: Triager) -> None:
    text = "Hi @Revolut, great app btw. How do I change the currency of a savings vault?"
    assert triager.triage(text, now=NOW).label != "negative"


def test_explain_names_the_idiom_that_stood(triager: Triager) -> None:
    why = [str(r) for r in triager.triage("@Telvio can't fault the service", now=NOW, explain=True).why]
    assert any("idiom" in line and "can't fault" in line for line in why)
    assert any("a phrase says it" in line for line in why)


def test_explain_quotes_a_long_phrase_by_its_ends(triager: Triager) -> None:
    text = ("@Metro please give the man who is giving updates on the Piccadilly line at Leicester "
            "Square a pay rise, he made the whole platform smile")
    phrases = [r.text for r in triager.triage(text, now=NOW, explain=True).why if r.source == "phrase"]
    assert phrases == ["'give the man who is … square a pay rise' (idiom, valence +2.5)"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SkyLark Air is hiring cabin crew in Manchester, apply by Friday", "other"),
        ("Join us Thursday for the Stackly webinar", "other"),
        ("NorthBank reports record quarterly profit", "other"),
        # a job ad's upbeat words are marketing: never praise for Champions (the demo had one there)
        ("Shift Supervisor – Brightside Coffee – Leeds – £13.10/hr. Lead a team of 6 baristas and keep "
         "our regulars happy. Full time, 40% staff discount.", "other"),
        ("Weekend barista, part-time, $17 an hour, free drinks on shift. We'd love to meet you!", "other"),
        ("dinner at @NonnaTrattoria tonight with the girls", "other"),
        ("@Stackly is there an API endpoint to export invoices?", "question"),
        ("@Stackly why does the export take 20 minutes now? It used to be instant", "complaint"),
        ("@Telvio your engineer Dave was brilliant", "praise"),
        # idioms that sound like harm are not crises (session 12)
        ("@EnergyCo is there a planned power cut on Tuesday in my area?", "question"),
        ("@HairPro the colour came out smoking hot, thank you Jess!", "praise"),
        ("Couple scorched earth w/voter obstruction & gerrymandering & you have GOP policy.", "other"),
        # harsh words said of a thing someone loves are praise, not a complaint
        ("@BrewMate the new cold brew is killer", "praise"),
        ("@Cafe21 your brownies are so good they should be illegal", "praise"),
        ("@PetMeals my dog goes crazy for the new flavour", "praise"),
        ("@KidsPlay my son is obsessed with the new set, it's a hit", "praise"),
        ("@acme hate that I love your cookies this much 😭", "praise"),
        ("love the Flickbox shows, hate that you keep raising the price every six months", "complaint"),
    ],
)
def test_kinds(triager: Triager, text: str, kind: str) -> None:
    assert triager.triage(text, now=NOW).kind == kind


# --- wording the first sets lacked (issue 2 follow-up) -----------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        # formal letters: salutations and sign-offs are not praise, a dispute is a complaint
        ("Dear Gridwell, I am writing to formally dispute the estimated reading on invoice 101. "
         "I would be grateful for a corrected statement. Yours faithfully, A. Reader",
         "negative", "complaint"),
        ("To whom it may concern: I wish to cancel my membership from 1 May. Please confirm receipt.",
         "neutral", "question"),
        # a plain question's words are its subject, not a feeling
        ("@Covera is fire damage to a shed covered under buildings?", "neutral", "question"),
        # ...but a complaint put as a question stays a complaint
        ("why am I still paying full price when half the gym is out of order?", "negative", "complaint"),
        ("how am I supposed to get to work when the 9 never turns up?", "negative", "complaint"),
        ("is it normal that every bill is estimated? never once had a real reading",
         "negative", "complaint"),
        # review-site ratings, mixed mentions, comparisons, slang, non-native English
        ("2/5 stars. Paid out eventually but it took eleven weeks and five phone calls.",
         "negative", "complaint"),
        ("★★★★★ the physio team got me walking again", "positive", "praise"),
        ("love the shows, hate that you keep raising the price", "negative", "complaint"),
        ("@Flickbox love the new shows, can't stand the ads", "negative", "complaint"),
        ("the bus drove straight past a queue of us in the rain", "negative", "complaint"),
        ("i am pay the bill two times this month, please return me the money", "negative", "complaint"),
        ("I can't thank the midwives enough ❤️", "positive", "praise"),
        ("the receptionist rolled her eyes at me. great bedside manner 🙃", "negative", "complaint"),
        # news about the brand: bad press is negative, an event is not a question
        ("Covera shares fall 8% after profit warning", "negative", "other"),
        ("anyone going to the PulseFit charity spin-a-thon on Sunday?", "neutral", "other"),
        # session 11: words VADER does not know at all: "nightmare", "abysmal", "unhelpful"
        ("the new check-in app is an absolute nightmare", "negative", "complaint"),
        ("abysmal service at the Leeds branch today, staff were unhelpful and rude", "negative",
         "complaint"),
        # a mixed mention without "but": the bad half is what needs a reply
        ("the nurses are brilliant, the parking is a nightmare", "negative", "complaint"),
        ("the coffee is great, the queue not so much", "negative", "complaint"),
        # a machine keeping what it should give back; a picture and sound apart
        ("the ticket machine at Platform 2 swallowed my card", "negative", "complaint"),
        ("audio is out of sync on every episode I try", "negative", "complaint"),
        # praise it did not know
        ("the new winter menu is so tasty", "positive", "praise"),
        ("the staff were attentive and really knowledgeable", "positive", "praise"),
    ],
)
def test_fresh_wording(triager: Triager, text: str, label: str, kind: str) -> None:
    result = triager.triage(text, now=NOW)
    assert (result.label, result.kind) == (label, kind)


@pytest.mark.parametrize(
    "text",
    [
        "@StMarysClinic pharmacist sent my medical records to a stranger's email address",
        "every student's exam grades were emailed to the whole year group",
        "@Pillbox gave my dad someone else's prescription and he took two",
        "the bus driver was on his phone the whole way down the motorway",
        "a cable machine snapped and hit a guy in the face, blood everywhere",
        "whole of Eastfield has brown water coming out of the taps",
        # session 12: written before the rules saw them; each was `other` or a plain complaint
        "@PayWise I logged in and I'm looking at a stranger's transactions and home address",
        "@ShopKart my order page shows another customer's name, phone and delivery address",
        "@MediLink the patient portal let me download a PDF of someone else's lab results",
        "@CloudBox anyone can see private files if they guess the share link",
        "@FitTrack your API returns every user's GPS runs without a token",
        "@HotelNest my booking confirmation came with another guest's passport scan attached",
        "@BankEase your app is showing me logged in as a different customer",
        "@Tastybox raw chicken leaked all over the veg in my box",
        "@BabyGlow the baby formula tin had metal shavings in it",
        "@HeatWave the heater cable melted and scorched the carpet",
        "@Cosmeto your cream gave me chemical burns on my face",
        "@AirFly the cabin filled with smoke mid flight and crew wouldn't tell us anything",
        "@PayWise card payments failing everywhere, shops across the country can't take your cards",
        "@TrainLink signalling failure, hundreds stuck on trains with no water for three hours",
        "@Cafe21 the manager refused to serve my friend because she's wearing a hijab",
        "@RideNow driver cancelled when he saw my guide dog, this is the third time",
        # session 13: a blind set's miss, the same wording as "another patient's" above
        "@clinicly the patient portal shows me a different patient's blood results and NHS number",
    ],
)
def test_fresh_crises(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert (result.label, result.kind) == ("negative", "crisis")


def with_model(tmp_path: Path, **settings: float) -> Triager:
    """A triager with these `[model]` settings over the packaged ones (a user's override file)."""
    user = tmp_path / "triage.toml"
    user.write_text("[model]\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()), encoding="utf-8")
    return Triager.load(user)


def test_the_crisis_model_reads_harm_no_pattern_lists(triager: Triager, tmp_path: Path) -> None:
    text = "@Playgroundz the slide has a bolt sticking out and a kid ripped his leg open on it"
    result = triager.triage(text, now=NOW, explain=True)
    assert (result.label, result.kind, result.queue) == ("negative", "crisis", "priority")
    assert any(r.source == "crisis" and "crisis model" in r.text for r in result.why)
    told = [r.text for r in result.why if r.source == "word" and "crisis" in r.text]
    assert any(w in t for t in told for w in ("slide", "bolt", "sticking", "ripped", "leg")), told
    # patterns alone (crisis_confidence = 1) read it as a plain complaint
    assert with_model(tmp_path, crisis_confidence=1.0).triage(text, now=NOW).kind == "complaint"


def test_harm_read_as_happy_is_a_crisis_not_praise(triager: Triager, tmp_path: Path) -> None:
    """The label model reads this privacy report positive; the crisis model is sure of harm
    (`crisis_confidence_calm`), so it is a crisis, never praise in `champions` (a session 13
    writer's row, so the crisis model has seen it: this checks the gate, not recall; session 36's
    label model reads the poisoning report this test used before as negative)."""
    text = ("found a camera inside the smoke detector of our holiday let booked through @StayHub. "
            "pointed at the bed. host has 40 five-star reviews.")
    result = triager.triage(text, now=NOW, explain=True)
    assert (result.label, result.kind, result.queue) == ("negative", "crisis", "priority")
    assert any(r.source == "crisis" and "crisis model" in r.text for r in result.why)
    calm_off = with_model(tmp_path, crisis_confidence_calm=1.0)
    assert calm_off.triage(text, now=NOW).kind == "complaint"  # still never praise
    both_off = with_model(tmp_path, crisis_confidence_calm=1.0, crisis_not_praise=1.0)
    assert both_off.triage(text, now=NOW).kind == "praise"


def test_harm_the_crisis_model_half_believes_is_never_praise(triager: Triager, tmp_path: Path) -> None:
    """Below both crisis gates, a mention the models read as praise is still not praise when the
    crisis model finds harm likely enough (`crisis_not_praise`): it is listed in `priority`
    for an agent to read, and the detail says why (a session 14 writer's row: the crisis model has
    seen it, so this checks the gate, not recall; session 36's label model reads the soft-play
    screw this test used before as negative)."""
    text = ("Enjoying the Ember air fryer, chips are great. Side note, the back vent got hot enough to "
            "warp the splashback behind it and there was a bit of smoke. Have moved it away from the "
            "wall. Recipe ideas welcome!")
    result = triager.triage(text, now=NOW, explain=True)
    assert (result.label, result.kind, result.queue) == ("negative", "complaint", "priority")
    assert any(r.source == "rule" and "not read as praise" in r.text for r in result.why)
    assert with_model(tmp_path, crisis_not_praise=1.0).triage(text, now=NOW).queue == "champions"


def test_the_label_model_outweighs_the_kind_model_when_they_disagree(triager: Triager) -> None:
    """The kind model (right on 0.74 of real rows) half-reads these as complaints; the label model
    (0.83 with the encoder's pieces) reads praise and calm questions, and its reading stands.
    Session 15 writers' rows, in the label model's lookalike training only as the crisis model's
    rows. Until session 21 only the tempered kind model (`kind_weight`) kept them out of
    `priority`; the encoder's pieces now make the label model sure enough on its own. The first
    version of the flea question ended "The box isn't very clear": a problem report, which the
    project's labels call negative, and so does triage since session 21."""
    for text, want in (
        ("The pet shop lady spent 20 minutes helping me choose the right food for my old cat with "
         "kidney issues. Proper care.", ("positive", "praise", "champions")),
        ("How often should the flea treatment from the pet shop be reapplied for a small cat?",
         ("neutral", "question", "needs-reply")),
        ("Is the flea treatment from the pet shop safe to use on a kitten? The box doesn't say.",
         ("neutral", "question", "needs-reply")),
    ):
        result = triager.triage(text, now=NOW)
        assert (result.label, result.kind, result.queue) == want, text


def test_tempering_the_kind_model_loses_no_harm(triager: Triager, tmp_path: Path) -> None:
    """Harm is weighed as the untempered product reads it: a harm the kind model calls a complaint
    keeps a negative reading's crisis bar, and one the crisis model half-believes keeps the
    complaint even where a joke's words keep it from being called a crisis."""
    cot = ("Dreamnest cot has a gap between the last slat and the end panel that my 8-month-old got "
           "her leg wedged in. I measured it: 9cm. Surely that's way over the limit?")
    assert triager.triage(cot, now=NOW).kind == "crisis"
    club = ("lol got refused entry at Club Velvet because 'we have enough of your lot in tonight'. "
            "I'm Black. great music from outside though")
    assert triager.triage(club, now=NOW).kind == "crisis"
    never_in_jest = with_model(tmp_path, crisis_confidence_jest=1.0).triage(club, now=NOW)
    assert (never_in_jest.kind, never_in_jest.queue) == ("complaint", "priority")


def test_harm_told_as_a_joke_is_still_a_crisis(triager: Triager, tmp_path: Path) -> None:
    """In mockery or a joke the crisis model needs more (`crisis_confidence_jest`), not nothing:
    session 20's writer of crises told as memes and jokes (never trained on) had these in
    `champions` and `priority` as praise and complaints. Mockery with no harm stays a complaint."""
    for text in (
        "10/10 would recommend the Crumbly granola if you enjoy finding a chunk of blue plastic in "
        "your mouth halfway through chewing 🤡",
        "cool cool, NorthNet fibre gone for the whole county, people working from car parks outside "
        "the library lol @NorthNet_help",
        "lol my guide dog and I got told to leave Pastaria because 'no animals'. it's a guide dog. "
        "it has a vest. the vest says GUIDE DOG",
    ):
        assert triager.triage(text, now=NOW).kind == "crisis", text
        assert with_model(tmp_path, crisis_confidence_jest=1.0).triage(text, now=NOW).kind != "crisis"
    pigeon = ("@BrightsideCoffee your coffee tastes like a puddle a pigeon died in. absolute clowns "
              "running this company 🤡")
    assert triager.triage(pigeon, now=NOW).kind == "complaint"


def test_disabled_people_shut_out_of_a_service_is_a_crisis(triager: Triager) -> None:
    """Discrimination includes a service that shuts disabled people out (CRISIS-BRIEF.md); a
    screen reader that merely reads a label oddly is a complaint at most."""
    for text in (
        "Marlowe app update dropped VoiceOver support. Buttons are unlabeled images now. As a blind "
        "user I can't unlock my own front door.",
        "Parents with disabilities at our school can't use the Pickwise collection app with a screen "
        "reader at all",
    ):
        assert triager.triage(text, now=NOW).kind == "crisis", text
    assert triager.triage("the screen reader says 'button' twice on the new menu, bit odd",
                          now=NOW).kind != "crisis"


def test_best_before_is_a_date_not_praise(triager: Triager) -> None:
    """VADER reads "best" in "best before" as praise, and had no word for mould: a session 20
    writer's "Mould. Inside the SEALED juice bottle" was thanked from `champions`."""
    text = "Mould. Inside the SEALED @PureSip juice bottle. Fuzzy green mould. best before next month lmao"
    result = triager.triage(text, now=NOW)
    assert (result.label, result.queue) == ("negative", "priority")


def test_a_mark_left_by_heat_is_a_crisis(triager: Triager) -> None:
    for text in ("my band gets really hot on my wrist and left a red welt",
                 "@FitBand my band gets really hot on my wrist and left a red welt!!"):
        assert triager.triage(text, now=NOW).kind == "crisis", text


def test_zero_in_lexicon_drops_the_word(triager: Triager) -> None:
    # VADER boosts a zero-valence word ("so many stairs lol"), so 0 removes it instead
    assert "lol" not in triager._analyzer.lexicon
    assert triager.sentiment("just finished my first week, so many stairs lol")[0] == "neutral"


def test_tweet_text_with_html_entities_reads_as_typed(triager: Triager) -> None:
    # Twitter's API and datasets taken from it escape &, < and >: "&amp;" is not a word, "&lt;3" is "<3"
    for typed in ("flight delayed 3 hrs & nobody at the gate can tell us anything, crew rude & useless",
                  "@SkyJet crew were lovely <3 and the seats > last time"):
        escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert triager.triage(escaped, now=NOW) == triager.triage(typed, now=NOW)
    # only whole references: "&not" is not "¬", "AT&T" stays itself
    assert plain_text("AT&T &nothing &amp;amp; &#39;ok&#39;") == "AT&T &nothing &amp; 'ok'"


@pytest.mark.parametrize(
    ("styled", "typed"),
    [
        ("@SkyJet 𝘁𝗵𝗶𝘀 𝗶𝘀 𝘁𝗵𝗲 𝘄𝗼𝗿𝘀𝘁 𝗮𝗶𝗿𝗹𝗶𝗻𝗲 𝗲𝘃𝗲𝗿", "@SkyJet this is the worst airline ever"),
        ("@SkyJet ｔｈｅ ｗｏｒｓｔ ｓｅｒｖｉｃｅ", "@SkyJet the worst service"),
        ("the crew were 𝓪𝓶𝓪𝔃𝓲𝓷𝓰 today", "the crew were amazing today"),
        ("@SkyJet 𝗺𝘆 𝗱𝗮𝘁𝗮 𝘄𝗮𝘀 𝗹𝗲𝗮𝗸𝗲𝗱", "@SkyJet my data was leaked"),
        ("@SkyJet my data was lea\u200bked", "@SkyJet my data was leaked"),
    ],
)
def test_styled_and_split_letters_read_as_plain_words(triager: Triager, styled: str, typed: str) -> None:
    # bold/script/fullwidth letters are how people shout on social media; a zero-width space splits a word
    assert triager.triage(styled, now=NOW) == triager.triage(typed, now=NOW)


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [
        (r"\ba|\bb", [r"\ba", r"\bb"]),
        (r"\b(?:a|b)c|d", [r"\b(?:a|b)c", "d"]),
        (r"[|]x|\|y|[]|]z|[^]|]w", ["[|]x", r"\|y", "[]|]z", "[^]|]w"]),
        (r"(?<!a|b)c", [r"(?<!a|b)c"]),
    ],
)
def test_alternatives_split_only_at_top_level(pattern: str, parts: list[str]) -> None:
    assert _alternatives(pattern) == parts


def test_joined_rule_lists_match_exactly_like_the_plain_alternation() -> None:
    texts = [row["text"].lower() for name in ("triage_labelled.jsonl", "triage_fresh_a.jsonl")
             for row in load(name)]
    reader = _Reader(PACKAGED, "packaged")
    lists = [reader.patterns(f"phrases.{name}.patterns") for name in PACKAGED["phrases"]]
    lists += [reader.patterns(key) for key in ("kind.crisis.patterns", "kind.other.patterns",
                                               "sarcasm.markers", "sarcasm.signals")]
    for patterns in lists:
        plain = re.compile("|".join(f"(?:{p})" for p in patterns))
        joined = re.compile(_join(patterns))
        for text in texts:
            assert [m.span() for m in joined.finditer(text)] == [m.span() for m in plain.finditer(text)]


# --- priority ---------------------------------------------------------------------------------


def test_crisis_outranks_any_complaint(triager: Triager) -> None:
    quiet_crisis = triager.triage(
        "@Homely the kettle exploded and burned my hand", followers=0, created_at=NOW, now=NOW
    )
    loud_complaint = triager.triage(
        "@Homely worst, most useless, disgusting service ever!!! 😡😡 still no refund",
        followers=50_000_000,
        created_at=NOW - timedelta(days=30),
        now=NOW,
    )
    assert quiet_crisis.kind == "crisis" and loud_complaint.kind == "complaint"
    assert quiet_crisis.priority > loud_complaint.priority


def test_complaint_outranks_mild_grumbling(triager: Triager) -> None:
    complaint = triager.triage("@Dashbite driver was rude, order missing, still no refund",
                               followers=200, now=NOW)
    grumble = triager.triage("@Dashbite meh, the menu is a bit boring", followers=200, now=NOW)
    assert complaint.priority > grumble.priority


def test_reach_orders_the_same_complaint(triager: Triager) -> None:
    text = "@SkyLarkAir lost my bag and nobody can tell me anything"
    big = triager.triage(text, followers=100_000, now=NOW)
    small = triager.triage(text, followers=50, now=NOW)
    assert big.priority > small.priority


def test_age_bump_is_small_bounded_and_deterministic(triager: Triager) -> None:
    text = "@Telvio broadband drops every evening"
    fresh = triager.triage(text, followers=100, created_at=NOW, now=NOW)
    old = triager.triage(text, followers=100, created_at=NOW - timedelta(hours=30), now=NOW)
    ancient = triager.triage(text, followers=100, created_at=NOW - timedelta(days=60), now=NOW)
    week = triager.triage(text, followers=100, created_at=NOW - timedelta(days=7), now=NOW)
    assert fresh.priority < old.priority <= ancient.priority
    assert ancient.priority == week.priority  # capped
    assert ancient.priority - fresh.priority <= 10
    again = triager.triage(text, followers=100, created_at=NOW - timedelta(hours=30), now=NOW)
    assert again == old


@pytest.mark.parametrize("followers", [None, -5, 0, 1, 10**12])
def test_priority_stays_in_range(triager: Triager, followers: int | None) -> None:
    for text in ("@Homely my son was injured, the bunk bed collapsed", "@Homely 😍", "hello"):
        result = triager.triage(
            text,
            followers=followers,
            created_at=datetime(2000, 1, 1),  # naive: read as UTC
            now=NOW,
        )
        assert 0 <= result.priority <= 100
        future = triager.triage(text, followers=followers, created_at=NOW + timedelta(days=1), now=NOW)
        assert 0 <= future.priority <= 100


# --- queues -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label", "queue"),
    [
        ("crisis", "negative", "priority"),
        ("crisis", "neutral", "priority"),
        ("complaint", "negative", "priority"),
        ("complaint", "neutral", "priority"),
        ("question", "neutral", "needs-reply"),
        ("question", "positive", "needs-reply"),
        ("question", "negative", "priority"),
        ("other", "neutral", "needs-reply"),
        ("other", "negative", "priority"),
        ("other", "positive", "needs-reply"),
        ("praise", "positive", "champions"),
        ("praise", "neutral", "champions"),
    ],
)
def test_queue_for(kind: str, label: str, queue: str) -> None:
    assert queue_for(kind, label) == queue


def test_triage_queues_are_known_ids(triager: Triager) -> None:
    queues = {triager.triage(row["text"], now=NOW).queue for row in load("triage_labelled.jsonl")}
    assert queues == {"priority", "needs-reply", "champions"}
    assert set(triage_module.NEW_QUEUES) <= set(triage_module.QUEUE_IDS)


# --- result shape and topics ------------------------------------------------------------------


def test_result_shape(triager: Triager) -> None:
    result = triager.triage("@Dashbite charged me twice for the same order", followers=10, now=NOW)
    assert isinstance(result, TriageResult)
    data = json.loads(json.dumps(result.as_dict()))
    assert data == {
        "label": result.label,
        "sentiment": result.sentiment,
        "kind": result.kind,
        "priority": result.priority,
        "queue": result.queue,
        "topics": list(result.topics),
        "lang": "en",
    }
    assert -1.0 <= result.sentiment <= 1.0
    with pytest.raises(AttributeError):
        result.label = "positive"  # type: ignore[misc]


def test_topics_are_few_lowercase_content_words(triager: Triager) -> None:
    result = triager.triage("@Dashbite charged me TWICE for the same Order, fix it", now=NOW)
    assert result.topics[0] == "billing"
    assert "order" in result.topics
    for text in (row["text"] for row in load("triage_labelled.jsonl")):
        topics = triager.triage(text, now=NOW).topics
        assert len(topics) <= 4
        assert all(t == t.lower() and t not in {"the", "my", "and", "still", "you"} for t in topics)
        assert not any(t.startswith(("@", "http")) for t in topics)
    spike = [triager.triage(t, now=NOW).topics for t in (
        "@SkyLarkAir my bag never showed up", "@SkyLarkAir lost my luggage", "@SkyLarkAir bags??")]
    assert all("bag" in topics for topics in spike)
    # How much is not what: a spike of "major" or "incredible" would name nothing.
    assert triager.topics("major outage in Leeds, incredible") == ("outage", "leeds")


def test_a_two_word_topic_is_one_topic(triager: Triager, tmp_path: Path) -> None:
    """A spike of "customer service" complaints is one problem, however it is written; the topic
    keeps its place among the mention's words."""
    for text in ("@Dashbite waited 2 hours and customer service never answered",
                 "@Dashbite your Customer-Services team hung up on me",
                 "@Dashbite customer\n care is a joke"):
        topics = triager.triage(text, now=NOW).topics
        assert "customer service" in topics and "customer" not in topics and "service" not in topics
    assert triager.triage("@Dashbite cant log in, wi-fi is fine", now=NOW).topics[:2] == ("login", "wifi")
    user = tmp_path / "mine.toml"
    user.write_text("[topics.compounds]\n'direct debit' = ['direct debit', 'dd payment']\n", encoding="utf-8")
    mine = Triager.load(user)
    assert "direct debit" in mine.triage("@Dashbite my DD payment bounced", now=NOW).topics
    assert "customer service" in mine.triage("customer service, again", now=NOW).topics


def test_sentiment_api(triager: Triager) -> None:
    label, score = triager.sentiment("@Stackly this update slaps")
    assert label == "positive" and 0 < score <= 1


# --- configuration ----------------------------------------------------------------------------


def test_user_override_extends_lists_and_replaces_scalars(tmp_path: Path) -> None:
    user = tmp_path / "triage.toml"
    user.write_text(
        """
[lexicon]
zorbly = 3.0

[phrases.waiting]
patterns = ['\\bstuck in limbo\\b']

[kind.crisis]
patterns = ['\\bcontaminated\\b']

[priority.bands]
praise = { low = 0, high = 5 }
""",
        encoding="utf-8",
    )
    custom = Triager.load(user)
    assert custom.sentiment("@Stackly zorbly work")[0] == "positive"
    limbo = custom.triage("@NorthBank my transfer is stuck in limbo", now=NOW)
    assert (limbo.label, limbo.kind) == ("negative", "complaint")
    assert "wait" in limbo.topics
    assert custom.triage("@Dashbite the water was contaminated", now=NOW).kind == "crisis"
    # the packaged list is extended, not replaced
    assert custom.triage("@Dashbite I got food poisoning", now=NOW).kind == "crisis"
    assert custom.triage("@Dashbite still no update", now=NOW).kind == "complaint"
    assert custom.triage("@Dashbite 😍😍 best ever", followers=10**9, now=NOW).priority <= 5
    # the packaged engine is untouched
    assert Triager.load().sentiment("@Stackly zorbly work")[0] == "neutral"


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("[labels\npositive = 1", "-"),
        ("lexicon = 'nope'", "lexicon"),
        ("[lexicon]\nslaps = 'very'", "lexicon.slaps"),
        ("[lexicon]\n'two words' = 1.0", "lexicon.two words"),
        ("[kind.crisis]\npatterns = ['(unclosed']", f"kind.crisis.patterns[{CRISIS_PATTERNS}]"),
        ("[kind.crisis]\npatterns = 'one'", "kind.crisis.patterns"),
        ("[kind.other]\npatterns = ['\\bNews\\b']", f"kind.other.patterns[{OTHER_PATTERNS}]"),
        ("[queue]\npraise = 'fans'", "queue.praise"),
        ("[priority.bands]\ncrisis = { low = 50 }", "priority.bands.crisis"),
        ("[priority.bands]\nother = { low = 30 }", "priority.bands.other"),
        ("[priority.bands]\nother = [0, 5]", "priority.bands.other"),
        ("[priority]\nreach_weight = 0.9", "priority"),
        ("[labels]\nnegative = 0.5", "labels.negative"),
        ("[emoji]\n'ab' = 1.0", "emoji.ab"),
        ("[phrases.mine]\nvalence = -1.0", "phrases.mine.patterns"),
        ("[phrases.mine]\nvalence = -1.0\npatterns = ['x']\nproblme = true", "phrases.mine.problme"),
        ("[lexicn]\nslaps = 1.0", "lexicn"),
        ("[labels]\npositve = 0.2", "labels.positve"),
        ("[model]\ncrisis_confidence = 1.5", "model.crisis_confidence"),
        ("[model]\ncrisis_confidence_calm = -0.1", "model.crisis_confidence_calm"),
        ("[model]\ncrisis_not_praise = 2", "model.crisis_not_praise"),
        ("[model]\nkind_weight = -1", "model.kind_weight"),
        ("[model]\ncrisis_confidence_jest = 1.5", "model.crisis_confidence_jest"),
        ("[topics.compounds]\nbilling = 'direct debit'", "topics.compounds.billing"),
        ("[topics.compounds]\nbilling = ['direct debit', ' ']", "topics.compounds.billing"),
    ],
)
def test_bad_override_names_file_and_key(tmp_path: Path, content: str, key: str) -> None:
    user = tmp_path / "mine.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(TriageConfigError) as caught:
        Triager.load(user)
    assert caught.value.path == str(user)
    assert caught.value.key == key
    assert str(user) in str(caught.value) and key in str(caught.value)


def test_missing_override_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TriageConfigError, match="cannot read"):
        Triager.load(tmp_path / "absent.toml")


# --- engineering ------------------------------------------------------------------------------


def test_one_analyzer_per_triager(triager: Triager, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a new VADER analyzer was built per mention")

    from tui.core import triage_vader

    monkeypatch.setattr(triage_vader, "SentimentIntensityAnalyzer", refuse)
    triager.triage("@Telvio still no signal", now=NOW)
    triager.sentiment("fine")


def test_fast_enough(triager: Triager) -> None:
    texts = [row["text"] for row in load("triage_labelled.jsonl")]
    started = time.perf_counter()
    for text in texts:
        triager.triage(text, followers=100, now=NOW)
    per_mention = (time.perf_counter() - started) / len(texts)
    assert per_mention < 0.005  # target is well under 1 ms; this only guards a blow-up


def test_core_imports_no_ui() -> None:
    code = (
        "import sys, tui.core.triage\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


# --- accuracy regression ----------------------------------------------------------------------


def accuracy(triager: Triager, name: str) -> tuple[float, float]:
    rows = load(name)
    label = kind = 0
    for row in rows:
        result = triager.triage(row["text"], followers=row.get("followers"), now=NOW)
        label += result.label == row["label"]
        kind += result.kind == row["kind"]
    return label / len(rows), kind / len(rows)


def test_labelled_set_is_big_and_varied() -> None:
    rows = load("triage_labelled.jsonl")
    assert len(rows) >= 170
    assert {row["label"] for row in rows} == {"negative", "neutral", "positive"}
    assert {row["kind"] for row in rows} == {"complaint", "question", "praise", "crisis", "other"}
    held = load("triage_heldout.jsonl")
    assert len(held) >= 30
    assert not {row["text"] for row in rows} & {row["text"] for row in held}


def test_accuracy_on_labelled_set(triager: Triager) -> None:
    label, kind = accuracy(triager, "triage_labelled.jsonl")
    assert label >= 0.9, label
    assert kind >= 0.9, kind


def test_accuracy_on_fresh_tuning_set(triager: Triager) -> None:
    # Set A: new industries and registers, written before the engine ran on it, then tuned on.
    # Set B (triage_fresh_b.jsonl) is the blind twin: measured by the benchmark, never asserted or
    # tuned on here.
    label, kind = accuracy(triager, "triage_fresh_a.jsonl")
    assert label >= 0.9, label
    assert kind >= 0.9, kind


def test_accuracy_on_heldout_set(triager: Triager) -> None:
    # Never tuned against, so a looser floor: it guards against regressions, not for a score.
    label, kind = accuracy(triager, "triage_heldout.jsonl")
    assert label >= 0.75, label
    assert kind >= 0.72, kind


# --- issue 12: crises first, language, explanations, the model, learning from agents -----------

# Real customer tweets (Customer Support on Twitter, CC BY-NC-SA 4.0) labelled by us; origin in
# tests/data/README.md. The dev set was tuned on; the blind set is measured by the benchmark only.
REAL_DEV = "customer_dev.jsonl"


# Real customers' wording (tweets to brands' support accounts, Customer Support on Twitter corpus,
# rows outside every labelled set): the crisis patterns once caught only our own phrasing.
@pytest.mark.parametrize(
    "text",
    [
        "@SpotifyCares hi! I've got an issue where my account is like hijacked with an app/device "
        "that I don't even know",
        "@Uber_Support My wife account got charged w 2 uber eats orders we never placed.",
        "@116276 my debit card is being charged fraudulently from another Uber account",
        "@British_Airways my Executive Club account has been hacked. Please pm me.",
        "@ChipotleTweets so I'm enjoying my burrito bowl and I find plastic in my food",
        "I was just assaulted by an Amazon delivery person.",
        "this guy picked my cousin up on Friday for @115873 and tried sexually assaulting her",
        "@CoxHelp hello, curious when the outage is expected to be resolved for the 02919 area code",
        "@116655 having trouble connecting from central jersey on fios, saw that others are having "
        "issues as well?",
        "@Tesco label products not suitable for people with nut allergies! I nearly died.",
        "@Uber_Support I'm ready 2 file a complaint with Better Business Bureau & FTC over "
        "misleading info",
        "@MedMart told me it was fine to take with my blood thinners. could have killed me",
        "@IronHouseGym your staff refused my friend entry because she wears a hijab",
        "@AskPlayStation someone got to my account and changed the email",
        "@Tesco Bought a lasagne earlier - husband just opened it and it's got mould on it",
        "a piece of bone in my chicken is a little too far @ChipotleTweets",
        "@comcast I recorded everything i will go to court",
        "@Uber_Support my driver crashed and I hit my head",
        ".@VerizonSupport >All of VERIZON IS DOWN< When can we expect a fix ?",
        "@MicrosoftHelps I got a phone call claiming to be you but I discovered they weren't",
        # session 9: real crises the labelled sets named and the lists missed
        "@116276 WHY IF I REPORT ANOTHER DRIVER WITH A GUN IN HI VEHICLE MY ACCOUNT GETS PUT ON HOLD",
        "An uber driver started petting my hair as I drive and proceeded to touch my ass @115873",
        "@115873 I had a horrifying experience with the driver. he refused to pickup and threaten me",
        "@DunkinDonuts Alright cool I guess y'all serve chemicals in your coffee",
        "@ChipotleTweets what is this in my food?? https://t.co/dW5E8d5DxO",
        "@tesco I'm shocked to have bitten on a piece of plastic in 1 of your doughnuts today.",
        "@AmazonHelp Someone keeps trying to buy playstation cards on my account.",
        "@tmobilehelp You guys just gave my phone number away after I put on a security alert.",
        "@AmazonHelp It's now a police matter. You could check the police report.",
        "#Astros could win the #WorldSeries tonight and @115900 is out in my Cypress neighborhood.",
        "@116655 After a reboot I can't even reconnect. Similar results among friends in this area",
        "@116245 Seems now that every Ring doorbell and camera on earth is down. Refund required.",
        # session 10: a recall said as a noun, a passive or a headline; choking and a cut back
        "Is my kettle part of the recall? Nobody has written to us",
        "My son's car seat was recalled and your store still sells it",
        "Samsung SDI Lost After Galaxy Note 7 Recall",
        "My son choked on a toy from your kids meal",
        "I cut my back on the broken chair in your cafe",
    ],
)
def test_real_wording_of_harm_is_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).kind == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "Why has @Tesco started putting the price on the shelves in such a big font? It's like an "
        "assault on your eyes!",
        "Damn Wells Fargo fraud protection stopped me from getting a size 12 yeezy",
        "Amazon delivery guy refused to give his ID and suddenly started sounding like an attorney",
        "@comcastcares give him full gig. Even my local telephone co-op (FTC) gives me this.",
        "@115911 People who get the new iPhone every year pay more then everyone else because of "
        "the down payment",
        "@sainsburys They are aware, a quick scroll down the timeline shows how many people have "
        "made them aware",
        "@AppleSupport do you have any apps for epilepsy so I can detect my seizures",
        "@comcastcares no internet all day again, third day with issues",
        "@ArgosHelpers I needed it urgently as I have to produce paperwork for a solicitor",
        "@SpotifyCares Nothing, same problem seems to be happening to a lot of people.",
        "@hulu_support Yes dialogue is out of sync. Seinfeld, workaholic, as well as others.",
        "@PulseFit half the treadmills have been out of order for a month and you still put the price up",
        "my friends are down to visit @Tesco on Saturday",
        # session 10, from general tweets: remembering, cutting down, being moved
        "@marksandspencer One day, people will recall the Mince Pie of 2017",
        "I recall ordering the same thing last week",
        "I had to cut back on coffee after the price went up again",
        "The whole team got choked up reading your thank-you card",
        # passed on inside the business, or sent to the customer: no exposure (session 49)
        "my details were given to another agent when I called back",
        "my booking details were sent to my email",
        "@QuickBank you took £30 from my account for a cancelled sub",
        "these seats hurt my back on long flights",
        "I broke my phone screen",
        "no bed bugs, clean sheets, great stay",
        "Do your rooms get treated for bedbugs?",
        "@CafeCo lovely place to sit while I was breastfeeding, staff brought me water",
        "they called me a legend",
        "Got food poisoning from a kebab van across the road from the hotel (my fault, it was 2am). "
        "Night staff brought me water. Absolute saints.",
        "dropped a 20kg plate on my own toe last night. toe is purple, 100% my fault. the desk got me ice",
        "@AskPlayStation Well, it kicked me out of psn, and says I need to sign in",
        "Sprained my ankle in the @TallowAndCo sale scrum (my own fault, I was sprinting for the "
        "last size 6)",
    ],
)
def test_real_lookalikes_are_not_crises(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).kind != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # data exposure in any wording
        "your loyalty app just showed me someone else's card number and address",
        "you can open other companies' invoices just by changing the number",
        "Got a phishing email to an address I only gave to your app. So either they sold it or "
        "they leaked it",
        "@AskPlayStation my account got hacked and someone changed the email",
        "Wow. @115911 just allowed someone to steal my phone number",
        # safety
        "PSA do NOT leave your Orbit on standby. Mine got so hot the side panel warped",
        "lmao @BrightsideCoffee now selling coffee machines that set your kitchen on fire 🔥🔥 "
        "can't make it up. clowns, the lot of you",
        "they literally sell fire hazards",
        "I got into a car accident while riding in my @Uber",
        # intrusion and exposure in a class, a call or a camera (session 23)
        "@Meetly strangers joined our kids' class and shared porn",
        "@Meetly random people keep joining our church meeting",
        "@Doorly my doorbell footage is being shared with people I never invited",
        "@PayLoop my transactions are public and I never set them that way, now my ex can see everything",
        "@Telvio you sent my bill to my neighbour with all my call records",
        "@Staywell the front desk gave my room key to a stranger",
        "@Creditly got a letter saying my SSN was exposed",
        # their data shown to another customer, told in the passive (session 49)
        "@AcmeAir my card details were shown to another passenger at the gate screen",
        "my booking details were visible to another passenger",
        "i can see other people's boarding passes in the app",
        # a fall that hurt, hands laid on a passenger, an emergency on board, a mobility aid lost,
        # money taken by someone else (session 49)
        "@AcmeAir flight attendant shoved my elderly mother, she fell and hurt her hip",
        "@AcmeAir the oxygen mask dropped on my row and didn't inflate, nobody came",
        "@AcmeAir pilot announced an emergency landing, now we're sitting on the runway for 2 hours",
        "@AcmeAir the wheelchair you lost was my only way to move, I'm stuck at the airport",
        "@QuickBank someone took £900 out of my account and you won't refund it",
        "Absolutely the worst hotel I've stayed in. Bed bugs. Bites all over my arms.",
        "@CafeCo told to leave because I was breastfeeding",
        "@CafeCo asked me to leave while I was breastfeeding",
        "@Airline the gate agent called me a r*tard because I asked for assistance",
        # session 49 writers g and h (measured once, then read)
        "@ThunderCove lap bar on Vortex didnt lock on my side, i was holding on for the whole first drop",
        "Checked my bag with Skylark with my insulin in it. Bag didn't arrive in Larnaca.",
        "small thing but the bead on the nestling teething ring came off in my 8 month old's mouth",
        "@SnackrunHelp the rider keeps messaging, one asking if i live alone. he got my number from your app",
        "Pebblefox's leaderboard API will happily return email, last IP and date of birth for any player",
        "@Homely the dresser tipped over onto my toddler",
        "@Skyway the overhead panel fell off during landing",
        "@Breathewell the CPAP foam is breaking down and I've been breathing in the particles",
        "@Tagly someone planted an AirTag on my car",
        "@BurgerBarn employee called my son the n word",
        "@Homely the shelf fell on my son",
        # who someone is, and being refused or turned away for it
        "i am in wheelchair and Rideo driver see me and cancel the ride , third time this week",
        "@Chipply the lad kept mocking my stammer, then just hung up on me",
        "@Staynest host cancel my booking right after he see my name is Mohammed",
        "Cafe Lumiere refuse my service dog and call me liar about disability",
        # legal threats in other words
        "@Carfixr you charged me for parts you never installed. guess who's meeting a judge",
        "@Trackwise sent a data access request 45 days ago. the ICO gets to hear about it next",
        # session 23, from the written crises still missed
        "@Trovio your forgot-password page lets you reset ANYONE's password with just their username",
        "this MyBank+ app show me balance and transactions of another person when i login",
        "speedrun: sign up for Fernly, get 40 spam calls a day. who did you sell my number to",
        "@Nexa the phone i buy swell up and become hot in my pocket then smoke come out",
        "delivery guy from Dashr touch me inappropiate when i open the door",
        "@Ravencart courier followed me up the stairs and tried to push in through my door",
        "@Jadepost your mailbox exposes a live 230V terminal. I got zapped swapping AAs",
        "Ordered the 'peanut free' satay, ended up in urgent care with my throat closing",
        "ex boyfriend still track me with shared FamTrack account, app show him my location",
        "Reported Cobaltine to the FCA today. A bank should not freeze wages for six weeks.",
        "complain submited to ICO about Mailcast sending me marketing email after i unsubscribe",
        "lawer letter coming to Buildwell for not finish my house and keep advance money 2 years",
        "@Pebblejar dispatch system froze across three states, drivers idle",
        "trading on Stockpile frozen for ALL users during the biggest market drop of the year",
        "Brightside Coffee recalls 10,000 espresso machines over burn risk",
        "Vroom recalled 2,000 scooters after brake failures",
        "@Crunchy found glass in the cereal box this morning",
        # outages hitting many, legal threats, discrimination
        "@comcastcares no solution for repeated outages. Area outage",
        "@Telvio I'm taking you to court over this",
        "@Homely your guard followed me because I'm black",
    ],
)
def test_harm_is_a_crisis_never_praise(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert (result.kind, result.label, result.queue) == ("crisis", "negative", "priority")
    assert result.sentiment < 0


@pytest.mark.parametrize(
    "text",
    [
        "Oh wonderful, delayed again, just what I needed",
        "Thanks @Dashbite for delivering my dinner at midnight 🙄",
        "Great, another cancelled flight. Thanks a lot",
        "love how my parcel got thrown over the fence, amazing service as always",
        "lol 'they're usually decent'. they literally sell fire hazards. bootlicker",
        "bean club members finding out their 'loyalty' was to a company that can't secure a receipt 😂",
        "brightside: makes coffee machine. coffee machine: makes toast. of your hand. 10/10 product design",
        # thanks or love for a harm, "best ever, if you like ..." (session 23)
        "@Skyway thanks for losing my bag again, really great service",
        "@Tunely love how the app crashes every time I open it. Fantastic update",
        "@Skyway Best airline ever, if you like sitting on the tarmac for 4 hours",
        "@Ridely Thanks to your AMAZING customer service, you have just lost 2 customers. GREAT WORK!",
        "@Shoply I've cancelled my order and gone to Best Buy. Thank you.",
        "Thanks @Telvio for taking 3 weeks to install my fibre",
        "2/2 @Shoply cafe - 3 members of staff and I am served this. #ThanksForNothing",
        # a closing cheer with its adverb (session 45)
        "Waited 55 minutes on hold with @BritishGas to be told to call back tomorrow. Brilliant. "
        "Really brilliant",
        "@VerizonSupport Wow! Automatic setting doing great 😒",
        # praise for the harm itself, a wait told with its place (session 49)
        "@AcmeAir Great job cancelling my flight with 20 min notice 👏👏",
        "@AcmeAir love sitting on the tarmac for 3 hours, really the highlight of my week",
        "Acme's new update is a masterpiece of making simple things hard",
        "Acme support is so good they answered my ticket from 2019 today",
        "The Acme app has one job",
        "Really appreciate @SkylarkAir sending my suitcase on its own little holiday to Oslo",
        "fantastic work pebblefox, a day one patch that wipes your save file. very immersive",
        "cheers reelhouse for pulling the show i was halfway through with zero warning. such a treat",
        "10/10 customer service from lumo today, transferred 4 times and ended up back with the first guy",
        # session 50, read as praise by a model that never saw the brand
        "@Railco thanks railco trains for cancelling the 0857 from Preston.",
        "Thank you @Railco it's been a pleasure stood in the freezing cold at the station for an hour",
        "@Paywell Thank you for confirming that you cannot reverse the wrong transaction.",
        "Okay shoply lost my package gr8",
        "@Fonely the new update deleted all my music... thanks",
        "@Skyward vouchers that expire in 6 months and can't be used on any route I fly. thanks so much 👍",
        "@Skyward cabin crew laughed when I asked for water. laughed. never flying you again",
        "@Skyward wow 14 euro for a sandwich that was still frozen in the middle. amazing value. love it",
        "@Skyward kids meal ordered, kids meal not loaded. 4yo had crackers for a 6 hr flight. nice",
        # session 52 travel writers: each went to `champions`
        "wow @Meridale, charging me €45 to print a boarding pass because your own kiosk was broken. "
        "truly world class care 👏👏",
        "the woman at the @Orrin desk in Faro rolled her eyes and walked off mid sentence while I was "
        "asking about my connection. great start to the holiday",
    ],
)
def test_sarcasm_and_trolling_never_reach_champions(triager: Triager, text: str) -> None:
    result = triager.triage(text, now=NOW)
    assert result.queue != "champions" and result.kind != "praise", result


@pytest.mark.parametrize(
    "text", ["Not the best, not the worst.", "The app is fine I guess. Does what it says."])
def test_a_verdict_in_the_middle_is_neutral(triager: Triager, text: str) -> None:
    """Session 49: each went to `priority` as a complaint, read word by word."""
    result = triager.triage(text, now=NOW)
    assert (result.label, result.queue) == ("neutral", "needs-reply")
    assert triager.triage("Not the best, not the worst, but the wifi was down all weekend.",
                          now=NOW).label == "negative"


def test_shown_score_always_agrees_with_the_label(triager: Triager) -> None:
    texts = [row["text"] for name in (REAL_DEV, "triage_labelled.jsonl", "triage_fresh_a.jsonl")
             for row in load(name)]
    texts.append("either they sold it or they leaked it")
    for text in texts:
        result = triager.triage(text, now=NOW)
        shown = f"{result.sentiment:+.2f}"
        if result.label == "negative":
            assert result.sentiment < 0 and shown.startswith("-"), (text, result)
        elif result.label == "positive":
            assert result.sentiment > 0 and shown.startswith("+"), (text, result)
        else:
            assert abs(float(shown)) < 0.05, (text, result)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("@AmazonHelp ありがとうございます。 今、電話で主人が対応していただいてます。", "ja"),
        ("@AppleSupport Hola necesito urgente la actualización de software. La batería me dura nada",
         "es"),
        ("@AmazonHelp Kann ich dann wenigstens mein Amazon-Konto aufladen um zu bezahlen?", "de"),
    ],
)
def test_mentions_not_in_english_are_routed_untriaged(triager: Triager, text: str, lang: str) -> None:
    result = triager.triage(text, now=NOW)
    assert result.lang == lang and result.untriaged
    assert result.queue == "needs-reply"
    assert (result.label, result.kind, result.sentiment) == ("neutral", "other", 0.0)
    assert result.describe() == f"untriaged (language: {lang})"
    assert result.as_dict()["lang"] == lang


@pytest.mark.parametrize(
    "text",
    ["@AppleSupport ok", "@AmazonHelp DM sent", "lol", "@Uber_Support https://t.co/abc123 #fail",
     "@115850 @AmazonHelp 😡😡😡", "@SpotifyCares 1234 5678", "@Delta merci", "gracias @Uber_Support",
     "@AppleSupport iOS 11.1 battery drain"],
)
def test_short_texts_handles_and_urls_are_not_called_foreign(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).lang == "en"


@pytest.mark.parametrize(
    "text",
    ["@Brand TAKE A LOOK AT YOURSELVES!!", "@Brand WORST SERVICE EVER!!! NEVER AGAIN",
     "@AmazonHelp Okay, thanks so much!", "@Brand CANCELLED AGAIN?!?! UNBELIEVABLE",
     # session 33, real tweets the model read as Spanish, German, Swedish and Danish
     "WHAT THE ACTUAL FUCK @Brand", "IM SICK OF YOUR FUCKING SHIT @Brand",
     "@someone @Brand WHAT HAPPENED OMD", "@someone @Brand hey I look weird af"],
)
def test_shouting_is_english_too(triager: Triager, text: str) -> None:
    # the language model read the first as Russian (0.99) until it was given lowercase
    assert triager.triage(text, now=NOW).lang == "en"


def test_a_repeated_english_looking_word_is_not_two(triager: Triager) -> None:
    text = "@116216 me pueden ayudar me robaron mi cuenta de psn"
    assert triager.triage(text, now=NOW).lang == "es"


def test_no_english_row_of_the_real_sets_is_called_foreign(triager: Triager) -> None:
    rows = load(REAL_DEV) + load("customer_extra.jsonl")
    wrong = [row["text"] for row in rows if row["lang"] == "en"
             and triager.triage(row["text"], now=NOW).lang != "en"]
    assert wrong == []
    foreign = [row for row in rows if row["lang"] != "en"]
    found = sum(triager.triage(row["text"], now=NOW).lang == row["lang"] for row in foreign)
    assert found >= len(foreign) - 2  # a two-word Spanish greeting may read as English


def test_explain_names_the_rule_and_the_words_with_signs(triager: Triager) -> None:
    result = triager.triage("your loyalty app just showed me someone else's card number and address",
                            explain=True)
    crisis = [r for r in result.why if r.source == "crisis"]
    assert crisis and "someone else's card number" in crisis[0].text
    plain = triager.triage("@Dashbite the soup arrived lukewarm and the driver was rude", explain=True)
    words = [r for r in plain.why if r.source == "word"]
    assert words and all(r.weight != 0 for r in words)
    assert any(str(r).startswith(("+", "-")) for r in words)
    assert triager.triage("@Dashbite the soup arrived lukewarm").why == ()  # only when asked


def _named_words(result: TriageResult) -> list[str]:
    return [part for r in result.why if r.source == "word" for part in re.findall(r"'([^']+)'", r.text)]


@pytest.mark.parametrize("text", [
    "@Dashbite the soup arrived lukewarm and the driver was rude",
    "@AmazonHelp yes",
    "@SpotifyCares why is this happening again? 3 times this week",
    "@Acme is it for a friend or for me? https://t.co/x",
    # session 62, real tweets: the "o" of "w/o" and the "0s" of "6s" were named
    "Going to @ChipotleTweets expecting a $3 boorito w/o wearing a costume",
    "@GWRHelp hi Phil, it's an iPhone 6s, black doesn't have a cover, battery died in carriage",
])
def test_explain_never_names_words_that_tell_nothing(triager: Triager, text: str) -> None:
    """Session 27: the pane named '(start) @someone' for 180 of 400 real mentions and 'this' for 26.
    Small words, placeholders, numbers and punctuation weigh in the model but are not named; a word
    beside one is named alone ("yes", not "@someone yes")."""
    named = _named_words(triager.triage(text, explain=True))
    quiet = triager._quiet_words
    assert all(any(ch.isalpha() for ch in word) for word in named), named
    assert not [w for w in named if any(sum(ch.isalpha() for ch in part) < 2 for part in w.split())], named
    assert not [w for w in named if all(part in quiet or not part.isalpha() for part in w.split())], named
    assert not [w for w in named if "(start)" in w or "(end)" in w or "@someone" in w or "a link" in w]


def test_explain_names_the_telling_words(triager: Triager) -> None:
    named = _named_words(triager.triage("@AmazonHelp yes", explain=True))
    assert "yes" in named
    why = _named_words(triager.triage("@SpotifyCares why is this happening again?", explain=True))
    assert "why" in why  # a question word that reads as the complaint stays


def test_a_user_file_adds_quiet_words(tmp_path: Path) -> None:
    user = tmp_path / "triage.toml"
    user.write_text("[explain]\nquiet_words = ['soup', 'driver']\n", encoding="utf-8")
    named = _named_words(Triager.load(user).triage(
        "@Dashbite the soup arrived lukewarm and the driver was rude", explain=True))
    assert named and "soup" not in named and "driver" not in named
    user.write_text("[explain]\nquiet_words = 'soup'\n", encoding="utf-8")
    with pytest.raises(TriageConfigError, match=r"explain\.quiet_words"):
        Triager.load(user)


def test_explain_quotes_what_read_as_irony(triager: Triager) -> None:
    """The agent sees which words were taken as irony, not a stock line, and can judge them."""
    def rules(text: str) -> list[str]:
        return [r.text for r in triager.triage(text, explain=True).why if r.source == "rule"]

    assert "sarcasm: 'oh wonderful' read as irony" in rules("Oh wonderful, delayed again @Delta")
    quoted = rules("my 'unlimited' data plan stopped at 2GB again @Westwave")
    assert "sarcasm: 'unlimited' read as irony" in quoted


def test_explain_names_placeholders_as_an_agent_reads_them() -> None:
    from tui.core.triage_model import readable

    assert readable("xxuser my") == "@someone my"
    assert readable("? </s>") == "? (end)"
    assert readable("<s> xxurl") == "(start) a link"
    assert readable("refund") == "refund"


def test_explain_function_for_the_detail_pane() -> None:
    from tui.core.triage_explain import explain

    lines = explain("@Dashbite still no refund after 3 weeks, useless")
    assert lines[0].startswith("negative complaint (-")
    assert len(lines) >= 3
    japanese = "@AmazonHelp ありがとうございます。 今、電話で主人が対応していただいてます。"
    assert explain(japanese)[0] == "untriaged (language: ja)"


def test_cli_triage_explain(tmp_path: Path) -> None:
    mentions = tmp_path / "m.jsonl"
    mentions.write_text(json.dumps({"id": "1", "source": "x", "author": "@a", "created_at":
                                    "2025-03-01T12:00:00+00:00",
                                    "text": "my kettle exploded and burned my hand"}) + "\n")
    out = subprocess.run([sys.executable, "-m", "tui", "triage", "--explain", str(mentions)],
                         capture_output=True, text=True, cwd=Path(__file__).parents[2], check=True)
    assert "crisis" in out.stdout and "burned my hand" in out.stdout
    assert "negative crisis (-" in out.stdout


def test_model_loads_from_package_data() -> None:
    from tui.core.triage_model import ModelError, load_model
    from tui.core.triage_modelcache import packaged_model

    model = packaged_model()
    assert model.label.classes == ("negative", "neutral", "positive")
    assert set(model.kind.classes) == {"complaint", "question", "praise", "other"}
    assert model.label.words and model.label.chars and model.label.rules
    assert model.meta["trained_on"]["customer_dev"] > 400
    with pytest.raises(ModelError, match=r"triage_model\.json\.gz"):
        load_model(b"not gzip")


def test_rules_alone_still_work_when_the_model_is_off(tmp_path: Path) -> None:
    user = tmp_path / "triage.toml"
    user.write_text("[model]\nenabled = false\n", encoding="utf-8")
    rules = Triager.load(user)
    assert rules.triage("@Dashbite still no update on my order", now=NOW).kind == "complaint"
    # the rules themselves read these complaints so (the model learned the real rows they come from)
    for text in RULE_COMPLAINTS:
        assert rules.triage(text, now=NOW).label == "negative", text


def real_accuracy(triager: Triager, name: str) -> tuple[float, float, float]:
    rows = [row for row in load(name) if row["lang"] == "en"]
    label = kind = negatives = in_priority = 0
    for row in rows:
        result = triager.triage(row["text"], now=NOW)
        label += result.label == row["label"]
        kind += result.kind == row["kind"]
        if row["label"] == "negative":
            negatives += 1
            in_priority += result.queue == "priority"
    return label / len(rows), kind / len(rows), in_priority / negatives


def test_accuracy_floor_on_the_real_dev_set(triager: Triager) -> None:
    # The shipped model was fitted on these rows too, so this is a regression guard set just below
    # what the packaged model measured here, not an estimate of accuracy on unseen text (the
    # benchmark's cross-validated and blind figures are that).
    label, kind, negatives = real_accuracy(triager, REAL_DEV)
    assert label >= LABEL_FLOOR, label
    assert kind >= KIND_FLOOR, kind
    assert negatives >= NEGATIVES_FLOOR, negatives


def test_expansion_news_is_not_a_complaint(triager: Triager) -> None:
    # The demo's news item read as a negative complaint in `priority` once the model (fitted mostly
    # on support complaints) weighed "stores", "orders" and "passed".
    text = ("Brightside Coffee to open 12 new stores in the North West by spring - The Daily Grind\n"
            "The Manchester-based chain says its app now handles more than half of all orders, and "
            "that its Bean Club loyalty scheme has passed 1.2 million members.")
    result = triager.triage(text, now=NOW)
    assert (result.kind, result.queue) == ("other", "needs-reply")
    assert result.label != "negative"


def test_curly_quotes_read_as_straight_ones() -> None:
    assert straight_quotes("it`s ‘fine’, “really” – donʼt") == "it's 'fine', \"really\" – don't"
    plain = "no quotes at all"
    assert straight_quotes(plain) is plain


def test_a_cut_mouth_is_an_injury(triager: Triager) -> None:
    """Glass or metal in food that cuts a mouth is a safety crisis, thanked for a fast reply or not
    (the demo's "i'm ok, cut my gum a bit ... appreciate the fast reply" reached `champions` once
    the encoder's pieces read the thanks)."""
    for text in ("Found a shard of glass in my pasta sauce, cut my mouth",
                 "@BrightsideCoffee i'm ok, cut my gum a bit. DMed. appreciate the fast reply",
                 "bit into the muffin and a staple cut the inside of my lip"):
        result = triager.triage(text, now=NOW)
        assert (result.kind, result.queue) == ("crisis", "priority"), text
    assert triager.triage("cut my hair short and the new shampoo is lovely", now=NOW).kind != "crisis"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a problem the customer says is over reads as thanks, not as the problem (session 23)
        ("@Fixly It's sorted. Thanks. The update needed a hard reboot", "positive"),
        ("@Cloudly I unlinked them, tried the link again and it worked. Thx!", "positive"),
        ("@Tunely They're back now. Thank you though.", "positive"),
        ("@Telvio the problem was fixed in an hour, thanks", "positive"),
        # praise told with a problem word in it
        ("@Skyway once again you set the bar for what an airline should be.", "positive"),
        ("@Skyway makes travel stress free 💛", "positive"),
        ("@Skyway staff tracked down our bag. Made a bad situation bearable.", "positive"),
        ("@Skyway you set the bar so low it's underground", "negative"),
        ("@Skyway the app is not stress free at all", "negative"),
        # ... but not when it is not over, or only hoped for
        ("@Telvio my internet is not working again", "negative"),
        ("@Helix closed my ticket as resolved without answering it", "negative"),
        ("@Sparkly double booked by a sync bug. I've turned off the sync until it's sorted.", "negative"),
        # session 50, travel writers: thanks for a problem put right, said other ways
        ("@Skyward Appreciate you sorting the refund so fast after the cancellation. More of this please.",
         "positive"),
        ("@Skyward got the refund. took 2 months but it's there, thanks", "positive"),
        ("@Skyward update: bag turned up at 2am, delivered to the hotel. thank you Tomasz", "positive"),
        ("@Skyward never been so well looked after, will be flying again", "positive"),
        ("@Skyward got the refund but it was £40 short", "negative"),
        ("@Skyward still haven't got my refund, 3 weeks now", "negative"),
        ("@Skyward never been so ignored in my life", "negative"),
        ("@Skyward It's the only airline I fly!", "positive"),
        ("@Skyward finally booked and they honored the lower fare", "positive"),
        ("@Skyward sent me 20k miles for the delay I complained about. Nice job, my friends.", "positive"),
        ("@Skyward they offered me a $10 voucher for the 9 hour delay. insulting.", "negative"),
        ("@Fonely Yeah, deleting cookies helped. I was also getting a 400 error. Thanks.", "positive"),
        ("@Fonely That worked. Thanks", "positive"),
        ("@Fonely the update has not fixed it", "negative"),
        # a fix only hoped for is no praise (it went to `champions` for "fixed it")
        ("@Skyward hoping this fixed it", "neutral"),
        ("@Skyward hope you fixed the app this time", "neutral"),
        ("@Skyward the only airline I fly because there's no other option from here, and it shows",
         "negative"),
    ],
)
def test_a_problem_said_to_be_over_is_positive(triager: Triager, text: str, label: str) -> None:
    assert triager.triage(text, now=NOW).label == label


def test_custom_taken_elsewhere_is_never_praise(triager: Triager) -> None:
    """The rules do not know which brand is ours: a switch away is never thanked from `champions`."""
    text = "Switched from Brightside to Nimbus last month. Cheaper and the app actually works."
    gone = triager.triage(text, now=NOW, explain=True)
    assert (gone.label, gone.kind, gone.queue) == ("neutral", "other", "needs-reply")
    assert any("another business" in reason.text for reason in gone.why)
    for text in ("@Shoply I've cancelled my order and gone to Best Buy. Thank you.",
                 "@Skyway That's ok I will fly with @Jetto from now on, at least I'll be on time! Bye"):
        assert triager.triage(text, now=NOW).queue != "champions", text
    won = triager.triage("@Nimbus just switched from Brightside to you guys, loving it so far!", now=NOW)
    assert won.label == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "@Nimbus switched from Brightside to Nimbus last month and the app actually works. Love it",
        "@Nimbus switched from Brightside to @Nimbus last month, love it",
        "@Jetto after that mess with Skyway I will fly with Jetto from now on. Thank you!",
    ],
)
def test_custom_taken_to_the_business_addressed_is_praise(triager: Triager, text: str) -> None:
    """Session 24: the first leading handle is the business spoken to; switching to it is no loss."""
    read = triager.triage(text, now=NOW, explain=True)
    assert read.label == "positive"
    assert not any("another business" in reason.text for reason in read.why)


def test_rule_patterns_may_name_their_groups(tmp_path: Path) -> None:
    """`(?P<to>` and `(?P=to)` are regex syntax, not upper-case text the lowercased mention lacks."""
    from tui.core.triage_rules import _SYNTAX, _has_upper

    assert not _has_upper(_SYNTAX.sub("", r"^(?:@(?P<to>\w+)\W)?+.*?\bto (?!(?P=to)\b)"))
    assert _has_upper(_SYNTAX.sub("", r"(?P<to>\w+) Nimbus"))


def test_a_fire_alarm_that_failed_is_a_crisis(triager: Triager) -> None:
    for text in ("@Hotelo the fire alarm didn't go off when the kitchen filled with smoke",
                 "@Halls there was a fire alarm tonight and half the block never got told"):
        assert triager.triage(text, now=NOW).kind == "crisis", text


def test_who_someone_is_beside_a_negated_refusal_is_no_pattern_crisis(triager: Triager) -> None:
    """Session 24: "nobody refused me anything" is not a refusal. (The crisis model may still
    read harm in the words "wheelchair" and "refused": see MODEL-CARD.md's limits.)"""
    low = "i'm in a wheelchair and the staff at @cafeo were wonderful, nobody refused me anything"
    assert triager._crisis is not None and triager._crisis.search(low) is None
    assert triager._crisis.search("@cafeo staff refused to serve me because of my wheelchair")


def test_harm_reported_beside_the_narrowed_patterns_is_still_a_crisis(triager: Triager) -> None:
    """Session 24 narrowed allergy, EpiPen, "dangerous" and data-selling patterns to spare questions;
    the reports they were written for still count."""
    for text in ("@Cafeo I told them I'm allergic to nuts and the cookie had nuts, I had a reaction",
                 "@Cafeo my son had an allergic reaction to your 'nut free' flapjack, we used his epipen",
                 "ate a 'nut-free' bar, it very much contains nuts. epipen used. thanks guys",
                 "@Techo your charger is dangerous, it sparked and burned the carpet",
                 "@Shoply why are you selling my data to advertisers??",
                 "@Gymo I was injured on your rowing machine when the seat snapped"):
        assert triager.triage(text, now=NOW).kind == "crisis", text


def test_reported_speech_is_not_scare_quotes(triager: Triager) -> None:
    """"'she reminds me of my gran' he said" quotes someone; "'in transit' for nine days" mocks."""
    kind = triager.triage("the lad on the till carried the bags to the car. 'she reminds me of my "
                          "gran' he said.", now=NOW, explain=True)
    assert not any("irony" in reason.text for reason in kind.why)
    mocking = triager.triage("The tracking page has said 'in transit' for nine days.", now=NOW,
                             explain=True)
    assert any("irony" in reason.text for reason in mocking.why)


@pytest.mark.parametrize("text", ["@Shoply 💩", "@Shoply 💔 you discontinued it", "@Shoply 🗑️ service"])
def test_scornful_emoji_read_negative(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).label == "negative"


# Praise idioms stand over the words one by one: word by word "not", "charge", "refund" and "said"
# read as a complaint (session 28); session 29 added the public register's idioms and bad service
# that did not happen; session 30 the surprised intensifier ("weirdly well made"), slang VADER does
# not know ("you guys rock", "lifesavers") and the real rows' superlatives and raises.
IDIOM_PRAISE = [
    "update: the brightside double-charge refund landed 🙏 two days, not five. credit where it's due",
    "station brightside was open at 5:30 like they said. respect. coffee was hot too",
    "nothing but the most respect for @Shoply and this $3 burrito",
    "the fernbank app finally does instant transfers. hats off",
    "brightside deansgate: nobody hovered while I worked for three hours",
    "the Harbour branch staff never once rushed me, even with a pram and two kids",
    "@Brightside you guys are the best, the refund came in a day",
    "fettle gym: no sales pitch, no guilt trip, just a friendly welcome",
    "Say what you want about coffee apps, the Brightside one is weirdly well made. Order ahead, it's "
    "ready when I walk in, no dark patterns. Someone there cares.",
    "the fernbank app is surprisingly good these days",
    "@Skyward you guys rock, bags were on the carousel before we got there",
    "@Netly got my account back, you're lifesavers",
    "@Tunewave discover weekly has been on point lately",
    "@Netly just got off the phone with Austin, one of the best customer service calls I've ever had!",
    "@Skyward every time I fly with you the crew seem happy. You don't get that with the other airlines.",
    "@Skyward Erica on the gate team is amazing, give her a raise",
    "@Skyward the crew surpassed all expectations on my flight home",
]
# Stock sarcasm never reaches champions: every such phrase in every written set is a complaint, and
# these went to champions (sessions 28 and 29).
STOCK_SARCASM = [
    "cool cool cool, the app crashed again",
    "@Gamebox appreciate you charging me twice, really generous of you",  # session 32
    "really appreciate you cancelling my order without a word",
    "fernbank app down again on payday. cool cool cool",
    "love waiting 40 minutes for a cold latte, great work 👏",
    "corvid air charging £14 to choose a seat next to my own 6 year old. amazing. love that for me",
    "corvid air swapped my window seat for a middle one. thanks I guess",
    "tram stop ticket machines broken for weeks, one guard for the whole platform. love the queue.",
    "another day another outage, you guys are the best",
]


# Complaints the cross-validated model sent to champions or read calm, caught by a rule (session
# 30): a fix asked or hoped for is no fix, tries counted are a runaround, a customer lost,
# exasperation ("what the heck?!"), an ultimatum ("help or not?"), "good try!", what was paid for
# and never came or is asked after ("where's my cheque"), praise shrugged off.
RULE_COMPLAINTS = [
    "@Netly I keep giving you the benefit of the doubt, but I'm paying for 100mbps and getting 8! I need "
    "this fixed. Like yesterday.",
    "2nd call to @Skyward hoping everything is sorted, two of the names on the booking were wrong",
    "@ShopHelp Already contacted 3-4 times in the last month. All I got was assurance it's escalated",
    "Today is the day that @Skyward lost my business for the rest of my life",
    "@Netly change your hold music from a 2 min loop for the love of god.",
    "@Burrito I'm next to a university, the line is wrapped around the building. Good try!",
    "@Skyward #blessed, I guess.",
    "@Burrito WHAT THE HECK?!",
    "@Gamebox can you actually help or not?",
    "@Gamebox can I get help already??",
    "@Burrito guess my costume wasn't good enough for the $3 burrito",
    "Okay @Fernbank where's my cheque lol",
    # session 31: a fix tried and failed, the fault back, rhetorical questions and impatience
    "@Fonely still happening after the update, any ideas?",
    "@Gamebox I've done that too but I still get error 4012",
    "@Netly restarted the router. No changes",
    "@Gamebox HELP ME HELLO?",
    "@Skyward do you really expect people to carry a printer on holiday???",
    "@Burrito you guys call this a large?",
    "@Shoply so to get this straight, I get nothing for preordering?",
]
# Asking whether it is down is reporting that it is (session 31: 6 real rows, all complaints).
OUTAGE_QUESTIONS = ["@Gamebox are the servers currently down?", "@Netly is the system back up yet?",
                    "is your website always down?"]


@pytest.mark.parametrize(("text", "verdict"), [
    *((text, ("positive", "praise", "champions")) for text in IDIOM_PRAISE),
    *((text, ("negative", "complaint", "priority")) for text in RULE_COMPLAINTS),
    *((text, ("negative", "complaint", "priority")) for text in STOCK_SARCASM),
    *((text, ("negative", "question", "priority")) for text in OUTAGE_QUESTIONS),
])
def test_the_public_register_reads_as_meant(triager: Triager, text: str,
                                            verdict: tuple[str, str, str]) -> None:
    r = triager.triage(text)
    assert (r.label, r.kind, r.queue) == verdict


# Chasing an update, and a refusal to let, report the problem (session 32: 5 and 8 real rows, all
# complaints); asking after a feature, or inviting news, does not.
@pytest.mark.parametrize("text", [
    "@Skyward any update on my bag, Sophie?", "@Skyward Any news yet? Still no bag.",
    "@Skyward any updates on flight 212 from DEN?",
    "@Gamebox trying to buy the season pass but it's not letting me",
    "@Gamebox it keeps not letting me log in",
])
def test_chasing_or_being_refused_is_a_problem(triager: Triager, text: str) -> None:
    r = triager.triage(text)
    assert (r.label, r.queue) == ("negative", "priority")


# Thanks for the help or a reply, said first, is meant (session 32: 17 of 25 real rows opening so
# are praise, 4 of them read as complaints for the story that follows); "the 'help'" in quotes, a
# "but", or the fault still there is not praise.
@pytest.mark.parametrize(("text", "queue"), [
    ("Thanks for the help Becky, you're a star", "champions"),
    ("@Skyward Thanks for your reply Oliver. My wifi wasn't working last night so I phoned instead",
     "champions"),
    ("@Telvio cheers for the 'help', still broken", "priority"),
    ("@Fonely thanks for your help, the app still crashes every time", "priority"),
    ("@Netly thanks for the reply but I still have no internet", "priority"),
])
def test_thanks_for_the_help_is_meant_unless_the_fault_remains(triager: Triager, text: str,
                                                               queue: str) -> None:
    assert triager.triage(text).queue == queue


def test_rude_staff_is_a_complaint_beside_a_kind_word(triager: Triager) -> None:
    r = triager.triage("@Burrito was told my costume as my fav tv character wasn't good enough by a rude "
                       "employee. Cant believe this!")
    assert (r.label, r.queue) == ("negative", "priority")


@pytest.mark.parametrize("text", ["@Shoply any update for when dark mode is coming?",
                                  "@Skyward thanks! if you have any updates let me know"])
def test_asking_after_news_is_not_chasing(triager: Triager, text: str) -> None:
    r = triager.triage(text)
    assert r.label != "negative" and r.queue == "needs-reply"


@pytest.mark.parametrize("text", [
    "🚨 Brightside Coffee student deal: 20% off everything in the app until Sunday 🚨",
    "Get 3 months of Tunewave Unlimited for only $0.99! Limited time only. https://t.co/K9lrx52L56",
])
def test_a_promotion_is_not_a_complaint(triager: Triager, text: str) -> None:
    r = triager.triage(text)
    assert r.kind == "other" and r.queue == "needs-reply" and r.label != "negative"


def test_a_student_discount_praised_is_still_praise(triager: Triager) -> None:
    assert triager.triage("Tunewave's student discount is such a good deal, just signed up").kind == "praise"


def test_expectations_not_exceeded_are_no_praise(triager: Triager) -> None:
    assert triager.triage("@Skyward the lounge did not exceed my expectations").label == "negative"


def test_love_the_queue_alone_is_not_irony(triager: Triager) -> None:
    """The irony rules leave it alone. Whether it is meant is the label model's call: since session
    36 (3,920 more real rows, where a queue is nearly always a complaint) it reads it negative."""
    r = triager.triage("@Brightside love the queue at Deansgate this morning, gave me time to read the "
                       "whole menu", explain=True)
    assert not any("sarcasm" in reason.text for reason in r.why)


def test_a_refund_asked_for_what_never_came_is_a_negative_question(triager: Triager) -> None:
    """Until session 36 a complaint; the annotators' brief calls a problem asked as a question a
    negative question, and so does the refitted model: in `priority` either way."""
    r = triager.triage("@Skyward can I get the $35 refunded for the seat upgrade I never got?")
    assert (r.label, r.kind, r.queue) == ("negative", "question", "priority")


def test_a_problem_that_never_once_went_right_is_still_a_problem(triager: Triager) -> None:
    r = triager.triage("is it normal that my bills are estimated every quarter? never once had a real "
                       "reading")
    assert r.label == "negative" and r.queue == "priority"


def test_being_listened_to_is_no_crisis(triager: Triager) -> None:
    # the demo's "Small signs they're listening" read as a crisis (crisis model 0.89 on
    # "listening"); an idiom that stands lowers the bar to the calm one (session 29)
    r = triager.triage("Updated the Brightside app this morning: stays logged in now and the receipts page "
                       "has a 'temporarily unavailable' notice instead of a spinner. Small signs they're "
                       "listening.")
    assert r.kind != "crisis"
    assert triager.triage("@Brightside are you listening? the app is down again").label == "negative"


def test_happy_words_read_as_a_complaint_are_mild_not_hot(triager: Triager) -> None:
    # praise the model misreads as a complaint: the rules' happy reading made it feel strongly
    # negative, so it outranked real complaints (session 29); now it weighs as a mild one
    misread = triager.triage("the brightside app dark mode is so nice. why is every other app's dark mode "
                             "just... grey")
    mild = triager.triage("the brightside app is a bit slow today")
    hotter = triager.triage("brightside app is slow again today")
    assert misread.label == mild.label == hotter.label == "negative"
    assert misread.priority <= mild.priority < hotter.priority


# Session 33: a real, never-read set of crowd-labelled tweets about a brand (Apple, 2014) had 36
# crises, 22 of them headlines reporting a lawsuit. Wording of ours, in the same shapes.
@pytest.mark.parametrize("text", [
    ".@Shoply faces $1B lawsuit over pricing allegations: http://t.co/abc #legal #tech",
    "Shoply goes to trial over digital music lawsuit in California $SHOP #shop http://t.co/xyz",
    "Shoply class action trial to continue without a plaintiff https://news.example/123",
    "State representative to name anti-discrimination bill after Shoply CEO http://t.co/q #Shoply",
])
def test_a_headline_reporting_legal_news_is_no_crisis(triager: Triager, text: str) -> None:
    verdict = triager.triage(text)
    assert verdict.kind != "crisis" and verdict.kind != "praise"


def test_the_pane_says_why_a_lawsuit_headline_is_no_crisis(triager: Triager) -> None:
    verdict = triager.triage(".@Shoply faces $1B lawsuit over pricing: http://t.co/abc", explain=True)
    assert "'lawsuit' in a headline that reports it: news, not a crisis" in [r.text for r in verdict.why]


@pytest.mark.parametrize("text", [
    "if i fail my exam because of this laptop i'm suing @Shoply",
    "@Shoply my lawyer will be in touch about the injury https://t.co/photo",
    "Class action forming against @Shoply, join the group if they charged you twice https://t.co/x",
    "@Shoply lawsuit incoming. you let a stranger into my account",
    "Lawsuit incoming @Shoply https://t.co/photo",
    "Suing @Shoply over this https://t.co/receipt",
])
def test_legal_action_someone_takes_is_still_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


def test_cant_take_it_anymore_is_exasperation_not_an_outage(triager: Triager) -> None:
    text = "I can't take it anymore. I'll still post about @Shoply and others. But we need change."
    assert triager.triage(text).kind != "crisis"
    assert triager.triage("@Paywise every shop in town can't take cards tonight").kind == "crisis"


@pytest.mark.parametrize("text", [
    "Shout out to @Shoply for making crappy alarms that don't go off and make me late for my final..",
    "YES I LOVE WHEN NONE OF MY STUFF WORKS THANK YOU @SHOPLY",
])
def test_a_shout_out_or_love_for_a_fault_is_irony(triager: Triager, text: str) -> None:
    assert triager.triage(text).queue == "priority"


def test_a_shout_out_for_good_work_is_still_praise(triager: Triager) -> None:
    assert triager.triage("Shoutout to @Shoply for doing the $3 deal 🙏").queue == "champions"


def test_a_cashtag_is_market_chatter_not_a_complaint(triager: Triager) -> None:
    text = "SHOP 'buy' reiterated, target raised to $130 by a big bank $SHOP https://t.co/349ck #SHOP"
    assert triager.triage(text).kind == "other"


@pytest.mark.parametrize("text", [
    "@Shoply Thanks; just sent it.",
    "@Shoply Thank you call me tomorrow afternoon 3:00 pm",
    "@Shoply ok, I will return your call shortly thank you",
    "@Shoply thanks, I'll DM you the order number",
])
def test_thanks_in_passing_beside_the_threads_business_is_no_praise(triager: Triager, text: str) -> None:
    verdict = triager.triage(text)
    assert verdict.queue != "champions" and verdict.label != "negative"


def test_thanks_for_the_help_beside_the_threads_business_is_still_praise(triager: Triager) -> None:
    text = "@Shoply I've just sent you a message with details. Thanks for your help"
    assert triager.triage(text).queue == "champions"


# Session 33: a second outside set (tweets about tech brands at a conference) had 61 crises in
# 8,908 mentions, most of them hacker events, "head down looking at my iPad" beside "w/ 97 others"
# (a check-in), "buttons are a hack". Wording of ours, in the same shapes.
@pytest.mark.parametrize("text", [
    "Checkout the League of Extraordinary Hackers at the conference by @Shoply {link}",
    "At the @Shoply hacker party tonight. Good times.",
    "Google rooftop hacking party with @Shoply! Lego robots.",
    "Design tip from the @Shoply talk: buttons are a hack, approach them with skepticism",
    "When I look at the crowd here everyone has head down looking at their @Shoply tablet or phone.",
    "All the @Shoply staff just ran down the line high-fiving everyone",
    "Length of @Shoply penalty based on severity of breach of webmaster guidelines",
    "so then you price discriminate against Android users, @Shoply?",
    "glad mine's not faulty, that'll go down well, everyone's @Shoply battery dies by noon",
])
def test_tech_culture_and_idioms_are_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis"


@pytest.mark.parametrize("text", [
    "@Shoply hackers got into my account and ordered 3 laptops",
    "@Shoply my account was hacked and my card used",
    "@builderbros breach of contract claim started. half built extension and ur gone",
    "@Shoply system down at every branch, nobody can collect prescriptions",
])
def test_the_same_words_reporting_harm_are_still_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


def test_hacker_news_is_no_hack_but_asking_after_the_regulator_is_a_crisis(triager: Triager) -> None:
    assert triager.triage("Nice write-up on Hacker News about the @Shoply app's new queue").kind != "crisis"
    text = "@Shoply Thanks. Was the endpoint reported to you on Nov 9, as claimed on Hacker News? " \
           "And have you notified the ICO?"
    assert triager.triage(text).kind == "crisis"


# Session 34: customer tweets to 80 brands (tests/data/customer_multi.jsonl) read calm where a
# thing never came, a device failed to do its job, or an agent hung up.
@pytest.mark.parametrize("text", [
    "@Kettleco hey haven't gotten my kettle as promised after purchasing the home fibre",
    "@Shoply I never got my order, the tracking says delivered",
    "Anyone elses messages not sending or receiving? On #Boxly @BoxlySupport",
    "@Chipply i need store support for canada. The call centre hung up on me mid-sentence",
])
def test_what_never_came_or_failed_to_work_is_a_problem(triager: Triager, text: str) -> None:
    verdict = triager.triage(text)
    assert (verdict.label, verdict.queue) == ("negative", "priority")


def test_a_mobility_aid_left_behind_is_a_crisis(triager: Triager) -> None:
    """Session 50: both travel writers' wheelchairs that "didn't come off the plane" read as complaints."""
    text = "@Skyward my dad's wheelchair didn't come off the plane in Malaga. he can't walk without it"
    assert triager.triage(text).kind == "crisis"
    fine = "@Skyward my wheelchair came off the plane fine this time, thanks crew"
    assert triager.triage(fine).kind != "crisis"


# Session 50: complaints with no complaint word, read calm or as praise by a model that never saw
# the brand (the brand-grouped cross-validation), and travel problems asked as questions.
@pytest.mark.parametrize("text", [
    "Yay I have the cool new emojis, that's nice. But I can't type the letter l. Get it together @Fonely",
    "@Shoply described as easy peeler though these small bits of peel beg to differ!",
    "@Shoply At this rate I will end up picking more items up in store myself than having delivered!",
    "@Shoply I got it from the store yesterday at £36 so you clearly made all of that up.",
    "Amazed that @Netly weren't that bothered about keeping me as a customer after 10 years.",
    "@Skyward This $50 just cost you thousands of dollars. I hope your CEO learns from this!",
    "@Gamebox I redeemed a code. It said it was successful but I didn't get the coins",
    "@Compy the computer works fine until it goes to sleep.",
    "@Skyward stuck in Atlanta overnight, are you providing a hotel?",
    "@Skyward any chance of a voucher for the 5 hour delay?",
])
def test_complaints_without_complaint_words_are_problems(triager: Triager, text: str) -> None:
    verdict = triager.triage(text)
    assert (verdict.label, verdict.queue) == ("negative", "priority"), verdict


@pytest.mark.parametrize("text", [
    "@Skyward 3 hr layover in Dallas, any lounge day passes?",
    "Things are about to get real at the Gamebox finals tonight",
    "@Railco thanks for cancelling my season ticket so quickly, refund already in",
])
def test_their_lookalikes_are_no_problem(triager: Triager, text: str) -> None:
    assert triager.triage(text).queue != "priority"


def test_having_no_account_yet_is_no_fault(triager: Triager) -> None:
    text = "@Shoply I haven't got an account with you yet, which plan would suit a small shop?"
    assert triager.triage(text).queue != "priority"


@pytest.mark.parametrize("text", [
    "@Tunely there are playlists on my account I didn't make and it keeps playing in another country",
    "@Tunely I got an email saying my email address was changed but I didn't change it",
    "@Tunely random devices are connected to my account and I've been logged out",
    "@Tunely I cant login to my account, and someone changed the email to reset the password",
    "@Tunely I still need help, my email was changed on me along with my password",
    "@Tunely thank you it has stopped but scary someone can hack into my account",
    "@Tunely apparently he has gained total access to my account",
    "@Tunely still having problems. Somehow someone is still accessing everything",
    "@Tunely I just reported the charges as fraudulent to my bank",
])
def test_an_account_taken_over_is_a_crisis_without_the_word_hacked(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


def test_a_security_alert_that_worked_is_no_takeover(triager: Triager) -> None:
    text = ("Got an alert from the Quidwell app about a sign-in from a new device I didn't recognise, "
            "tapped 'not me' and it locked everything down. Brilliant")
    assert triager.triage(text).kind != "crisis"


def test_an_outage_for_a_zip_code_hits_many(triager: Triager) -> None:
    assert triager.triage("@Cableco internet has been down at zip code 33026 since 6am").kind == "crisis"


@pytest.mark.parametrize("text", [
    "@Phoneco you will be liable for any issues I face due to this",
    "@Shoply I will hold you liable for the damage",
    "@Chirp she's threatening me",
])
def test_holding_a_business_liable_or_being_threatened_is_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


@pytest.mark.parametrize("text", [
    "Shoply held liable for slow refunds, court rules https://t.co/x",
    "@Bank they're threatening me with a late fee again",
])
def test_liability_news_and_a_threatened_fee_are_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis"


# Session 34: crises in unlabelled tweets to 80 brands that no pattern read.
@pytest.mark.parametrize("text", [
    "@Phoneco overheats and eats up a lot of storage. Frequently lags",
    "@Chirp hey, I blocked this girl but she's still harassing me",
    "@Chirp this man keeps harassing me",
    "@Gamesco My account is stolen and I want to recover my account",
    "@Railco Drunk, swearing group spraying beer, harassing female passengers. Disappointing!",
    "@Grocer me and my friend were looking for sweets and rickey was bullied in shop for being disabled",
    "Hey @Streamco, I had an unauthorized credit card charge from you guys. Could you look into it?",
    "Just opened my @Grocer ravioli (best before: 01/01/18) and covered in mould. Dinner is ruined 😅👍🏼",
    "Not going to lie @Burritoco fucked my stomach up last night, woke up and it still hurts",
    "@Cabco the other day my driver drove dangerously the whole way",
])
def test_harm_in_more_words_is_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


def test_marketing_mail_called_harassment_is_no_crisis(triager: Triager) -> None:
    assert triager.triage("@Shoply stop harassing me with emails").kind != "crisis"


# Session 34: false crises among unlabelled tweets to 80 brands, each a pattern read too widely.
@pytest.mark.parametrize("text", [
    "@Phoneco updated my phone and now my phone is slow and unresponsive. What do I do?",
    "@Telco hello. Please do ur shops open on weekends? That's the only time I could do my SIM SWAP.",
    "@Telco To slow, went into a store and sim swapped. Seemed to fix it.",
    "@Phoneco Quality control has slipped on iOS11. Apps freezing",
    "@Cableco Having intermittent internet issues. Streaming media is choking.",
    "@Shoply Why you asking details everytime I have shared my order number?",
])
def test_words_of_harm_used_of_things_are_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis"


@pytest.mark.parametrize("text", [
    "@Railco a man collapsed on the train and he was unresponsive for minutes",
    "@Telco someone sim swapped me and emptied my bank",
    "@Telco my account shows a SIM swap I never requested",
    "@Grocer my mum slipped on a wet floor in your store",
    "@Burgerco my son is choking on a toy from the kids meal",
    "@Shopco you shared my email address with a marketing firm",
])
def test_the_same_words_of_people_are_still_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


@pytest.mark.parametrize("text", [
    "@Tunely Says everyone plays their own but is that in online mode as well as offline",
    "@Tunely I have a persistent issue with the offline songs for my device, everybody in my house has it",
    "@Tunely Can she purchase it with my debit card numbers ?",
    "great job Quillpad, moving offline mode to the Pro plan right after I recommended you to my "
    "whole team 🙃",
])
def test_offline_mode_and_ones_own_card_are_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis"


@pytest.mark.parametrize("text", [
    "@Shopco your site showed me other customers' card numbers",
    "@Cableco internet offline for the whole street",
])
def test_card_numbers_shown_and_a_street_offline_are_still_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


# Session 35: crises among the 80 brands' read tweets and real blind 6 (after its one measurement).
@pytest.mark.parametrize("text", [
    "@Grocer poor hygiene in your Bath store 😷 pigeons everywhere!!!!!",
    "@Grocer bought this haddock and didn't expect to nearly break my tooth on a screw in it",
    "@Cabco What should a female customer do if a driver behaves inappropriately at midnight?",
    "@Cableco Yup, no internet for me in Central Square either. There's an outage in Cambridge.",
    "@Cableco Another outage in Rhode Island?! How long this time?",
    "So my @Cabco driver decided to hit a parked car on my block and drove off, that's a hit & run",
])
def test_hygiene_injury_misconduct_and_area_outages_are_crises(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


@pytest.mark.parametrize("text", [
    "@Cableco is there a current internet outage in Phoenix? My router can't get a signal.",
    "@Cableco If you just want to tell me if there's internet outages in Salisbury that'd be great.",
    "@Grocer I would hazard a guess that all their meat barring the pork is Halal.",
    "@Grocer Golden Lotus got a 5 on its latest food hygiene inspection.",
])
def test_asking_about_an_outage_or_hazarding_a_guess_is_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis"


# Session 36: crises among 2,100 more labelled customer tweets (customer_more2.jsonl).
@pytest.mark.parametrize("text", [
    "@Cableco your internet and TV in Buffalo 14225 are down. Get them back up!",
    "@Streamco FOX/CBS isn't working in Stillwater, OK, because???? I already restarted everything",
    "@Cableco how long will the outage in the Raleigh/Garner, NC area take to repair?",
    "@Phoneco it's useless I will take the issue to legal status now",
    "@Cableco Make a formal complaint to your Public Service Commission or the FCC!!!",
    "@Cabco he's yelling at my friend saying he better shut up or get punched",
    "Went to @Burrito w/ my pregnant wife. Her order included #rawchicken.",
    "@Chicken found the burger and pop chicken not cooked properly, my son ate most of it",
    "@Gameco my console is heating up with a loud noise when running games",
    "@Cabco your wreckless drivers need to be stopped, plate ABC123",
])
def test_places_legal_threats_blows_raw_poultry_and_heat_are_crises(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis"


@pytest.mark.parametrize("text", [
    "@Cableco I moved in Seattle, WA last month and need a new plan",
    "@Bank do I get hit with a fee if I pay late?",
    "@Grill the chicken was a bit dry today",
    "@Kitchenco my oven takes ages heating up, is that normal?",
    "@Shopco I will take it to the post office tomorrow",
])
def test_a_place_a_fee_dry_chicken_and_a_slow_oven_are_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis"


def test_explain_quotes_a_phrase_read_past_the_handles(triager: Triager) -> None:
    """Phrases are read with the handles taken out; the pane quotes their words, not a placeholder."""
    r = triager.triage("@Fonely thanks for your help, the app still crashes every time", explain=True)
    shown = [reason.text for reason in r.why if reason.source == "phrase"]
    assert "'thanks for your help' (praise, valence +2.5)" in shown
    assert any("a fault still there" in reason.text for reason in r.why)
    assert (r.label, r.kind, r.queue) == ("negative", "complaint", "priority")


# Session 38: crises the unread real sets held that only the crisis model could have caught (each
# was already a complaint in `priority`); names and places changed.
@pytest.mark.parametrize("text", [
    "Hey @Phoneco my friend had her phone battery explode and you don't seem to care. Poor form!",
    "@Phoneco Mines is getting extremely hot on the 11.2 update.",
    "@Cableco I just checked the app and DownDetector. They both say there's an outage :-(",
    "@Cableco Seeing the same internet outage, too. Please continue to post updates.",
    "@Rail staff chat by the barriers ignoring the blatant risks to safety on the platform",
    "@Grocer why is the car park in complete darkness?! nearly tripped up. NOT SAFE",
    "@Stayco house guest vandalises my home & you do nothing. Waiting 3 weeks",
    "@Shopco please look into this, a serious fraud is being done in the name of Shopco India",
    "@Social this is a post meant to incite violence. Please suspend it",
    "@Musicco I can't reset my password via my email. It seems my email has been changed.",
    "@Musicco suddenly it change my country to PY from ID and it logged me out",
    "Treadmill at the gym jumped to full speed by itself and threw me off. Bruised ribs.",
    "@Busco the driver threw us off the bus for no reason",
])
def test_exploding_batteries_hot_phones_shared_outages_vandals_and_fraud_are_crises(
    triager: Triager, text: str
) -> None:
    assert triager.triage(text).kind == "crisis"


@pytest.mark.parametrize("text", [
    "@Musicco that's not the only song that's not safe for work lol",
    "@Grill they served right to left today. Threw me off completely",
    "@Bakery your buns are so sticky they're a genuine safety hazard to my keyboard",
    "@Hotel the breakfast was a hate crime against eggs. Rubbery, cold, grey.",
    "@Phoneco my email has been changed, thank you so much for sorting it",
    "@Phoneco is it not safe to update yet?",
])
def test_nsfw_a_surprise_jokes_and_an_email_change_asked_for_are_no_crisis(
    triager: Triager, text: str
) -> None:
    assert triager.triage(text).kind != "crisis"


@pytest.mark.parametrize("text", [
    "@Cableco Our Internet is magically back up to its normal speed",
    "@Gameco all good now, I managed to get it working after a restart",
    "@Phoneco Yes everything is now working",
])
def test_a_fix_reported_in_passing_is_not_a_complaint(triager: Triager, text: str) -> None:
    """Session 38: real rows the cross-validated model read as complaints."""
    assert triager.triage(text).label == "positive"


@pytest.mark.parametrize("text", [
    "@Cableco is the internet back up yet?",
    "@Cableco the internet is not back up, third day now",
    "@Cableco have you fixed it yet? still down here",
    "@Phoneco it was working yesterday and now nothing",
])
def test_a_fix_asked_about_or_denied_is_not_good_news(triager: Triager, text: str) -> None:
    assert triager.triage(text).label != "positive"


def test_leaving_gladly_is_never_thanked_from_champions(triager: Triager) -> None:
    """Session 38: a real row read as praise; the upbeat words are about leaving."""
    r = triager.triage(
        "God am I so happy I'm dropping Cableco internet tomorrow. I'd rather have slower stable internet."
    )
    assert r.queue != "champions" and r.kind != "praise"


@pytest.mark.parametrize("text", [
    "@Musicco thank you. just DM'ed you",
    "@Musicco Great will do now.",
    "@Musicco Great. Yes, I'll do it again and reboot later tonight.",
])
def test_courtesy_while_the_thread_goes_on_is_not_praise(triager: Triager, text: str) -> None:
    """Session 38: real rows labelled neutral that reached `champions`."""
    r = triager.triage(text)
    assert r.queue != "champions" and r.kind != "praise"


@pytest.mark.parametrize("text", [
    "@Airco Thanks, will do!",
    "@Grocerco Ok will do, thank you!",
    "@Airco Will do! ❤️",
])
def test_will_do_with_thanks_or_a_heart_is_positive(triager: Triager, text: str) -> None:
    """Session 59: real rows labelled positive read neutral. "Will do" opened a question ("will
    you ...?") and an acknowledgement with thanks counted as courtesy in passing."""
    r = triager.triage(text)
    assert r.label == "positive" and r.kind != "question"


@pytest.mark.parametrize("text", [
    "@Bankco thank you to the rep who reversed the overdraft fees after my paycheck was late. didn't "
    "have to do that, really appreciated it",
    "shout out to @Shoply for refunding my broken blender no questions asked. 10/10",
    "@Rideco my driver tonight (Marcus) had water bottles, phone chargers and let me pick the music. "
    "5 stars wasn't enough",
    "@Boxco my dog literally stands by the door on box day. best $25 i spend every month 🐶",
    "@Shopco the wine from the specials aisle at £5.99 is better than stuff i've paid £20 for",
])
def test_praise_told_with_a_problem_word_is_praise(triager: Triager, text: str) -> None:
    """Session 43, written probes the model read as complaints: thanks for putting something
    right, and praise idioms with a problem word or a price in them."""
    r = triager.triage(text)
    assert r.label == "positive" and r.queue == "champions"


def test_a_repeat_and_standing_in_the_rain_make_the_cheer_irony(triager: Triager) -> None:
    """Session 43 probe: it reached `champions`, where `h` would have thanked it."""
    r = triager.triage("@Railco great, third cancelled train this week 👏 love standing on platform 4 "
                       "in the rain, really builds character")
    assert r.label == "negative" and r.queue == "priority"


def test_the_whole_of_my_flat_is_one_home_not_an_outage_for_many(triager: Triager) -> None:
    r = triager.triage("@Phoneco no signal in the whole of my flat since tuesday, 4G icon just disappears. "
                       "tried restarting, airplane mode, the lot. pls sort it")
    assert r.kind != "crisis" and r.queue == "priority"
    assert triager.triage("@Phoneco no signal in the whole of the town since tuesday").kind == "crisis"


def test_someone_in_my_online_banking_is_a_crisis(triager: Triager) -> None:
    """Session 43 probe: an account takeover told as "someone's got into my online banking"."""
    r = triager.triage("@Bankco someone's got into my online banking, changed my email and phone "
                       "number and set up a new payee. I didn't do any of this.")
    assert r.kind == "crisis"


def test_nobody_coming_is_no_outage_for_many(triager: Triager) -> None:
    r = triager.triage("@Cinemaco projector went out 40 min into the movie and nobody came for 20 minutes")
    assert r.kind != "crisis" and r.queue == "priority"
    street = triager.triage("@Cableco internet went out and nobody on our street can get online")
    assert street.kind == "crisis"


def test_great_stuff_beside_a_crash_is_irony(triager: Triager) -> None:
    r = triager.triage("@Gameco paid £70 for the new game and it crashes to desktop every match. "
                       "well done lads, great stuff")
    assert r.label == "negative" and r.queue == "priority"


@pytest.mark.parametrize(
    "text",
    [
        # data: a statement made out to a stranger (read as thanks before: `champions`), an email
        # that is no longer yours, a card used abroad after a breach, an ex in the account
        "@Bankco thanks for the quick reply earlier! small thing tho, the statement PDF you sent me is "
        "for a Mrs J. Okafor, not me. has her sort code, acct number, the lot",
        "@Musicco why is my account playing music in Istanbul at 4am and the email on it isnt mine anymore??",
        "@Shopco thanks for the 'incident' email 3 months late. my card's already been used twice in Lagos",
        "@Bankco my ex added himself as a trusted device on MY account and could see everything i spend",
        "love the new app update but it just showed me another guy's prescription history?? his meds",
        # safety: a part off a toy in a baby's mouth, a tingling kettle, red marks from a laptop,
        # bubbled plastic on a plug, mould as fuzz, a bristle in a burger, raw chicken
        "PSA: the eyes on this bunny come off with one tug. My 14 month old had one in her mouth",
        "quick q, the base of the kettle gives a little tingle on my fingers when I touch it. is that ok??",
        "@Laptopco it went POP, smoke out the vent and theres a red mark on my thigh where it was sitting",
        "@Plugco my extension lead tried to cook itself, plastic's all bubbled and the kitchen stinks",
        "nothing says fresh like a bit of blue fuzz on the bread. ate half the sandwich before I noticed",
        "@Burgerco there was a bit of metal, like a bristle off a grill brush, in my burger. chipped a tooth",
        "@Chickenco chicken in my bucket was pink and raw in the middle. bit into it before i noticed",
        # outages for many: a city, the world, a hashtag and a busy timeline, a street with no water
        "@Energyco power's out across most of Exeter, my mum's on an oxygen machine, backup lasts 4 hrs",
        "lol @Gameco servers down worldwide on launch day, 2 million of us staring at a queue screen",
        "@Streamco error S-302 on every device. twitter is FULL of people with the same #streamcodown",
        "Day 3 with no water on our estate. ONE pallet of bottles for 400 houses.",
        # legal: a regulator named, tagged, a legal notice
        "@Telco 9 hours on hold over 6 weeks. Ofcom complaint went in this morning, ref in your DMs.",
        "@Streamco cc @CMAgov @BBCWatchdog you've tripled the price on an ANNUAL plan mid-term",
        "Sent legal notice to @Builderco through my advocate today. Possession was promised in 2022.",
        # discrimination: age, a face scan, a username, a wheelchair, "is your husband around?"
        "Apparently at 67 I'm 'too old' to open a store card. The system 'doesn't like our age group'.",
        "the app's face scan can't see dark skin at all. 14 attempts. my white flatmate got in first go",
        "@Gameco banned my username 'ProudGayGamer' for being 'offensive' but 'xXSlayerXx_69' is fine??",
        "staff sat my mum (she's in a wheelchair) at the back by the kitchen 'so she's not in the way'",
        "@Phoneco the tech said 'this is a bit technical for you love, is your husband around?'",
    ],
)
def test_harm_the_session_44_writers_told_is_a_crisis(triager: Triager, text: str) -> None:
    """Two writers' crises (tests/data/triage_crisis_s44.jsonl) in wording no pattern had."""
    r = triager.triage(text)
    assert (r.kind, r.label, r.queue) == ("crisis", "negative", "priority"), text


@pytest.mark.parametrize(
    "text",
    [
        "this cleanser has literally hacked my skincare routine, skin has never been clearer @Glowco",
        "got a parking fine in the @Hotelco car park because the machine wouldn't take cards. "
        "not suing anyone, just annoyed",
        "We got rid of the #RedCoats in the 1700's it's time to get rid of the #RedHats #WontBackDown",
        "Flashback #ObamaShutDown: Dems reject GOP proposal",
        "#Liberalism #Progressives are failing worldwide from #Brexit #Trump now #Italy",
        "the #countdown to launch is on @Gameco, cannot wait",
    ],
)
def test_a_hacked_routine_a_suit_denied_and_a_down_hashtag_are_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        "Lovely cottage. But the photo on the public listing shows the key safe with the code written "
        "on a sticky note right next to it.",
        "Used 'forgot password' and the email came back with my actual current password in it.",
        "The app showed a second car under 'My vehicles', different plate, 3 miles away. I pressed unlock "
        "and it confirmed 'unlocked'.",
        "Got an SMS 'your account is on hold'. It landed in the thread with my real codes, so the sender "
        "ID is spoofed.",
        "The new autocomplete suggests people from other workspaces: 40 names and work emails.",
        "On every log the app sends an event to a third-party ad SDK, including pregnancy_mode=true.",
        "The tip-over switch stopped working: the heater kept running face-down on the carpet.",
        "Load balancers returning 502 for 2h now. Our customers' services and a fair chunk of the internet.",
        "Cards and app are declining for everyone I know right now. I'm at a petrol station.",
        "Cloudhaven DNS is returning SERVFAIL globally.",
        "They auto-renewed at three times the price without notice. It's with our counsel now.",
        "The app still keeps clips I deleted. Complaint is now with the Data Protection Commission.",
        "Sent Formbee a cease and desist over our logo in their ads.",
        "The assistant can't follow me because I stammer; support closed it as expected behaviour.",
        "The bank won't update my name after transition. My deadname is printed on every payment.",
        "The video interview marks me down for eye contact. I'm autistic and asked for an adjustment.",
        "Drivers keep cancelling once they see the address is our Traveller site.",
        "Higher fares when the pickup is on the mostly Black side of the high road.",
        "The new insights tool flagged every woman on our team who went part-time after having a kid.",
        "Careers page says 'digital natives preferred'. So nobody over 30 need apply.",
        "The manager said they'd 'rather not' seat my husband, who uses a wheelchair, at peak times.",
        "The salesman told me to 'come back with your husband' for the finance chat.",
    ],
)
def test_harm_the_second_pair_of_session_44_writers_told_is_a_crisis(triager: Triager, text: str) -> None:
    """Reviews and technical posts (writers r and s of tests/data/triage_crisis_s44.jsonl)."""
    assert triager.triage(text).kind == "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        "The ghost pepper wings literally set my mouth on fire and I loved every second.",
        "My phone blew up with 30 notifications from this shopping app overnight, all 'deals'.",
        "Bought the 'explosion' fragrance body spray for my teen and it's... a lot.",
        "The back wheel fell off the toy tractor after a week. No sharp bits, just annoying.",
        "Do the lodges have carbon monoxide alarms and fire blankets? Travelling with a baby.",
        "card declined at the tap reader this morning. everyone in the queue staring. fine now",
        "Love the banner that says 'this sender isn't who they claim to be'. It caught a spoofed invoice.",
    ],
)
def test_fire_in_the_mouth_a_buzzing_phone_and_a_toy_wheel_are_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis", text


def test_a_tanked_frame_rate_praised_is_irony() -> None:
    r = Triager.load().triage("@Gameco anti-cheat is basically a rootkit, it tanks my fps by 20. Great job.")
    assert r.label == "negative" and r.queue != "champions"


@pytest.mark.parametrize(
    "text",
    [
        "@Telco my sim showing no service since 2pm, then sms that my number is ported. I did NOT request "
        "any sim change!! 48,000 gone from my bank",
        "@Mobilemoney my pin was changed and 23k withdrawn. I was not even notified",
        "@Bank I receive OTP for a transaction I did not do and the money was debited. 19,999 gone",
        "When I tapped 'messages' I was reading a conversation between two other tenants about their rent.",
        "should my payslip show my colleague's salary and bank account number? this month it does",
        "packet of milk smelling bad and my 2 kids had loose motion after tea",
        "coach B4 the charging point is burning and smoke filling the coach, passengers panicking",
        "the kids toy has small magnets coming out easily, my 2yr old put one in mouth",
        "the latch on our @Tumbletot playpen popped open by itself twice today",
        "the strap on the @CosyCub car seat came undone on the motorway",
        "found what looks like a small shard of glass in the bottom of my sourdough loaf",
        "My daughter says there was a bit of hard blue plastic in her @Crumb chicken nuggets",
        "Brownout in the whole of our barangay since 6pm, hospital near us running on generator only",
        "all landline and broadband in Kozhikode district down since 2 days",
        "more than 2000 houses without power since yesterday. Insulin in fridge getting warm",
        "I will file complaint with NTC and DTI. Pls stop billing me or see you there",
        "I am taking you to the Consumer Goods and Services Ombud. 6 months billed after cancelling",
        "just letting you know I've contacted the FCA about the calls to my work",
        "we've now asked a solicitor to look at how my daughter's exclusion was handled",
        "they were lovely until I said my name, then suddenly it was 'just let'",
    ],
)
def test_harm_the_third_pair_of_session_44_writers_told_is_a_crisis(triager: Triager, text: str) -> None:
    """English as a second language and harm told in passing (writers t and u)."""
    assert triager.triage(text).kind == "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        "Just mentioning that the hotel room smelled a bit of smoke, even though it was non smoking.",
        "Had a scare when I thought my card was stolen, but the app froze it in 30 seconds 😂",
    ],
)
def test_a_non_smoking_room_and_a_card_thought_stolen_are_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        "Not to complain but the @Sunmeadow pool was closed two days of our week. Kids still had fun.",
        "Bit of a long hold time with @Eastgate today, 50 mins. Got sorted in the end, the lady was nice.",
        "Small thing @Larkspur — the jumper I ordered is a slightly different colour to the website. "
        "Still nice, just a bit off.",
    ],
)
def test_a_complaint_said_gently_is_not_praise(triager: Triager, text: str) -> None:
    """Session 44 (writer u): kind words beside a gentle complaint put these in `champions`."""
    assert triager.triage(text).queue != "champions", text


def test_a_small_kindness_and_an_only_gripe_stay_praise(triager: Triager) -> None:
    for text in ("@Coffeeshop barista remembered my order, such a small thing but it made my day",
                 "heatwave + Chillbox portable AC = I'm alive. only gripe: the drip tray fills every 6 hrs "
                 "overnight. buy the hose kit folks, trust me"):
        assert triager.triage(text).queue == "champions", text


@pytest.mark.parametrize(
    "text",
    [
        "Anyone else read about that US hotel chain's data breach? @SnugStay are you guys ok on that front?",
        "TIL the 2019 breach at that big hotel chain exposed passport numbers for millions of guests.",
        "Saw another ride-hailing firm got fined in France over a driver data leak. Glad I use @RideZippa",
        "Heard on the radio that some kids' toy brand had a choking recall. Is the @Pebble set okay?",
        "Reading about that data breach at the other pharmacy chain. Glad I'm with @Northline.",
    ],
)
def test_harm_told_of_another_business_is_news_not_a_crisis(triager: Triager, text: str) -> None:
    """Session 44: `[kind.crisis.hearsay]`; neither the patterns nor the crisis model call it one."""
    r = triager.triage(text, explain=True)
    assert r.kind != "crisis", text
    assert any("told of another business" in str(reason) for reason in r.why), r.why


@pytest.mark.parametrize(
    "text",
    [
        "Read this morning that the @Bramblecub StoryPal app has been storing kids' voice clips on a "
        "server with no password on it, open to the whole internet. My 5yo has recorded hundreds.",
        "I saw on the news that your app leaked customers' card numbers. Is mine one of them?",
        "Read about that other bank's breach. Now someone has emptied my account @Bankco",
    ],
)
def test_news_of_the_business_addressed_or_harm_beside_hearsay_is_still_a_crisis(
        triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis", text


def test_a_question_about_what_is_done_with_data_is_no_crisis(triager: Triager) -> None:
    """Session 45: `[kind.crisis.asked]`. Asked before anything happened, it is a question."""
    text = ("does @LumaLearn sell my data to third parties? couldn't find a straight answer in the "
            "privacy policy")
    r = triager.triage(text, explain=True)
    assert (r.kind, r.queue) == ("question", "needs-reply"), r
    assert any("asked, not a report of harm" in str(reason) for reason in r.why), r.why


@pytest.mark.parametrize(
    "text",
    [
        "why does @Shopco sell my data?",
        "did you sell my data?",
        "does @Shopco sell my data? because my email was leaked on a forum the day after I signed up",
        "Is Carthaus selling my shopping data? Got a letter from a life insurer mentioning my purchases.",
    ],
)
def test_an_accusation_or_harm_beside_the_question_is_still_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind == "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        "@CrestCard 4 payments to a betting site in Malta overnight, £1,200. Card never left my wallet.",
        "@Kestrel cheers for the upgrade 👍 only thing, the 'new' handset still had the last owner's "
        "WhatsApp and photos on it",
        "@Tallysoft your password reset sends the code to whatever email you type in the box",
        "@FreshMart your 'nut free' flapjacks have almonds in. My son's lips swelled up, been in A&E since 7",
        "@AskCabby your driver locked the doors, wouldn't let me out at my stop, kept asking where I live",
        "@Greenbasket your driver has been texting me 'hey gorgeous x' from the number on my order",
        "@NorthlineRail every train out of Piccadilly cancelled and the station's rammed, kids crying",
        "@Questfall servers been dead for 9 hours. Nobody in the EU can connect",
        "@PlayForge can't sign in, my friends can't sign in. Error NW-2041 for EVERYONE",
        "@AskOrbit 8 weeks since I complained. Deadlock letter arrived today, so it goes to Ofcom next.",
        "@FreshMart you took £89 for an order I cancelled and won't give it back. Court papers go in Monday.",
        "Reporting FreshBasket to the CCPC. 'Half price' on the shelf, full price at the till.",
        "the agent asked me twice to 'put someone on who speaks proper English'. I was born in Glasgow.",
        "HR told me there's 'no route for me' now I'm pregnant and took me off the rota.",
        "Quoted £2,100, my flatmate £680. Same car. Only difference is my surname is Mohammed.",
        "@AskCabby 3rd driver today to see my assistance dog and cancel. I'm blind.",
        "@Zoomride my mate's Black, I'm white. When he books, drivers cancel. When I book, a car comes.",
    ],
)
def test_harm_the_fourth_pair_of_session_44_writers_told_is_a_crisis(triager: Triager, text: str) -> None:
    """Writers v and w, written in the first pair's styles after three rounds of patterns."""
    assert triager.triage(text).kind == "crisis", text


def test_a_checkout_missed_for_a_trip_to_a_and_e_is_no_crisis(triager: Triager) -> None:
    text = ("Missed my @DunmoreHotels checkout because I was in A&E with my little one (he's fine). "
            "They extended my stay free without batting an eye.")
    assert triager.triage(text).kind != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "Telstra mobile is completely down across Melbourne. Couldn't call triple zero when dad had a fall",
        "Verizon SOS mode on every phone in our house. Good luck if you need 911 today folks",
        "@SBI net banking, YONO and UPI all down pan India since 10am. Crores of people can't pay bills",
        "@SageUK every one of our 12 sites is locked out of payroll this morning. It's pay day. 600 staff.",
        "Landlord agency held our bond for 4 months. We've lodged it with NCAT, the hearing is in 3 weeks.",
        "Just got off the phone with a no win no fee firm about the way this lender treated me.",
        "Each time they hear my accent they ask me to 'get someone who speaks English'. I'm Nigerian.",
        "Host cancelled two days before. His message: 'I don't rent to Africans, sorry'.",
        "The optician asked my carer 'does she understand?'. I'm deaf, not absent.",
        "Overheard the staff doing an impression of my stammer after I ordered. Laughing.",
        "Still no reply about your staff member calling my autistic son 'retarded' at the Wembley store",
        "The staff member said 'you look fine to me' and wouldn't let me use the accessible toilet.",
        "Just found my email and password from @MyFitnessPal on haveibeenpwned. Never got a single email.",
        "My points have been spent in Glasgow twice this week. I live in Cornwall. Someone's in my account",
    ],
)
def test_harm_the_fifth_pair_of_session_44_writers_told_is_a_crisis(triager: Triager, text: str) -> None:
    """Writers x (outages, legal) and y (data, discrimination): the categories caught least."""
    assert triager.triage(text).kind == "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        "Interesting read: a big US telco just got hit with a class action over hidden fees. Glad @giffgaff "
        "doesn't do that.",
        "Saw that Ticketmaster had a massive breach. @AXSUK were you affected at all?",
    ],
)
def test_news_of_other_businesses_is_no_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis", text


def test_a_question_closed_with_thanks_is_a_question_not_praise(triager: Triager) -> None:
    """Session 45 (`[kind] closing_thanks`): the thanks is for the answer to come (session 44's
    writer u had it in `champions`); praise beside the question still counts."""
    r = triager.triage("Hi @Greenway Toys — what age is the magnetic tile set safe for? My youngest still "
                       "puts everything in her mouth. Thanks!", explain=True)
    assert (r.label, r.kind, r.queue) == ("neutral", "question", "needs-reply"), r
    assert any("thanks for the answer to come" in str(reason) for reason in r.why), r.why
    praised = triager.triage("@Shop Love the new app! can I turn off dark mode? Thanks!")
    assert praised.queue == "champions", praised


def test_a_wish_for_what_the_business_does_not_offer_is_not_praise(triager: Triager) -> None:
    """Session 45 (`[kind] wish`); a wish of one's own ("wish I had a burger") is not about us."""
    r = triager.triage("Wish Scoota had helmets you could unlock at the docks, would feel a lot better "
                       "riding in town")
    assert r.queue != "champions" and r.kind != "praise", r


@pytest.mark.parametrize(
    "text",
    [
        "The @ODEONCinemas relaxed screening was perfect for my daughter. Lights up a bit, sound down, "
        "nobody tutting. 10/10",
        "@GreggsOfficial this sausage roll is so good it should be illegal. Someone call the police",
        "someone call the police, @BurgerBarn ran out of nuggets at 7pm on a Saturday 😤",
    ],
)
def test_sound_turned_down_and_a_joking_call_to_the_police_are_no_crisis(triager: Triager, text: str) -> None:
    """Session 45: outage and police words said of a cinema's volume and as a joke."""
    assert triager.triage(text).kind != "crisis", text


def test_a_call_to_the_police_that_was_made_is_still_a_crisis(triager: Triager) -> None:
    assert triager.triage("@Shopco your security guard grabbed my son, we called the police").kind == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "Orbit owners: descale every 4 weeks if you're in a hard water area or it WILL start leaking from "
        "the group head. learned the hard way",
        "PSA for fellow @Kettlewise owners: descale every month if you're in a hard water area or it starts "
        "spitting and leaking round the base. Citric acid, 20 mins, done.",
    ],
)
def test_care_advice_to_other_owners_is_no_crisis(triager: Triager, text: str) -> None:
    """Session 45 (`[kind.crisis.advice]`): the crisis model read the warning as harm (the demo's tip)."""
    assert triager.triage(text).kind != "crisis", text


def test_harm_told_beside_care_advice_is_still_a_crisis(triager: Triager) -> None:
    text = ("descale every month or it spits boiling water out of the lid. it scalded my daughter's arm "
            "last night @Kettlewise")
    assert triager.triage(text).kind == "crisis"


def test_a_silver_lining_after_bad_news_is_a_complaint(triager: Triager) -> None:
    """Session 45 (`[kind] consolation`): "It's pretty bad. But at least the queso is good!" reached
    `champions` in the real rows' cross-validation; every labelled "but at least" is negative."""
    r = triager.triage("@Shop parcel lost again but at least the driver was lovely 😊", explain=True)
    assert (r.label, r.kind, r.queue) == ("negative", "complaint", "priority"), r
    assert any("a silver lining after bad news" in str(reason) for reason in r.why), r.why


def test_saying_you_will_not_be_back_is_a_complaint(triager: Triager) -> None:
    """Session 45 (`[phrases.dislike]`): six real rows say it, all negative."""
    r = triager.triage("@AskTarget Hey thanks that does me a lot of good. I won't be back, I don't "
                       "appreciate being a victim of bait and switch")
    assert r.queue == "priority" and r.label == "negative", r


@pytest.mark.parametrize(
    "text",
    [
        "@Uber_Support I owe you NOTHING, you re-leased my car while I was standing there",
        "@Railco on time every single day this week 👏 never thought I'd tweet that",
    ],
)
def test_the_session_52_idioms_keep_their_edges(triager: Triager, text: str) -> None:
    """"I owe you nothing" is a refusal, not thanks; "on time every single day" is no repeat fault."""
    label = triager.triage(text, now=NOW).label
    assert label == ("negative" if "NOTHING" in text else "positive")


def test_a_pool_with_nobody_else_is_no_outage(triager: Triager) -> None:
    text = ("@OrchidCrest pool at sunrise with nobody else, staff leaving cold towels without asking. "
            "Already planning to come back with my sister.")
    assert triager.triage(text, now=NOW).kind != "crisis"


def test_a_fix_denied_or_asked_about_is_no_praise_phrase(triager: Triager) -> None:
    """"never resolved the problems" once showed the agent "phrase: 'resolved the' (praise)"."""
    for text in ("@AskLyft You have received a number of DM yet never resolved the problems",
                 "@Ride No one has resolved it till now? I need an answer"):
        why = [str(r) for r in triager.triage(text, now=NOW, explain=True).why]
        assert not any("(praise," in line for line in why), why


def test_a_user_may_set_stands_to_true_or_a_label_on_any_group(tmp_path: Path) -> None:
    """`stands` takes true, false or a label, whichever the packaged group has."""
    user = tmp_path / "triage.toml"
    for body in ('[phrases.hypothetical]\nstands = true\n', '[phrases.idiom]\nstands = "neutral"\n'):
        user.write_text(body, encoding="utf-8")
        Triager.load(user)
    user.write_text('[phrases.hypothetical]\nstands = "maybe"\n', encoding="utf-8")
    with pytest.raises(TriageConfigError, match=r"hypothetical\.stands.*true, false or a label"):
        Triager.load(user)


def test_nobody_saying_anything_is_no_outage_at_scale(triager: Triager) -> None:
    """"nobody say anything" is no word from staff, not "nobody has water"."""
    stranded = ("@MekongBlueAir 3 hours at Da Nang gate and nobody say anything. no announcement, no water, "
                "staff disappear. MB214 what is happening??")
    assert triager.triage(stranded, now=NOW).kind == "complaint"
    street = "@Aquavale no water since 6am, nobody on our road has any"
    assert triager.triage(street, now=NOW).kind == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "@PuffinJet FA gave my 3yo wings and let her say hi to the pilot. she hasn't stopped talking "
        "about it",
        "shoutout to the @NorthgaleAir gate agent at MSP who rebooked 200 ppl in a blizzard, found us 4 "
        "seats together and still had time to smile at my kids 🙌",
        "Shoutout to the @Sainsburys staff in Lewisham who walked my blind mum round the whole shop and "
        "packed her bags for her. Proper kindness",
    ],
)
def test_care_given_and_thanked_is_praise_though_the_crisis_model_half_reads_harm(
        triager: Triager, text: str) -> None:
    """Session 54 (`[kind.crisis.care_thanked]`): the child, the blizzard and the blind mum read as
    harm to the crisis model, which kept these out of `champions` at `crisis_not_praise`."""
    result = triager.triage(text, now=NOW, explain=True)
    assert (result.label, result.kind, result.queue) == ("positive", "praise", "champions"), text
    assert any("care given, thanked" in r.text for r in result.why), result.why


@pytest.mark.parametrize(
    "text",
    [
        # a fault after the thanks, a bare thanks beside a data exposure, harm the thanks follows
        "Thanks @VaultPay for the new card! Shame someone made three purchases on it before it even arrived.",
        "Just flagging: the invoice PDF @Quillpay emailed me is for a different company entirely. Their bank "
        "details, VAT number, the lot. Thought you'd want to know. Thanks!",
        "kudos to the lifeguard who pulled my daughter out after your pool's drain cover came loose and "
        "trapped her arm",
        "thank you to the crew who helped when my son had an allergic reaction to the 'nut-free' cookie "
        "you served him. he's ok now",
    ],
)
def test_thanks_beside_harm_or_a_fault_stays_out_of_champions(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).queue == "priority", text


def test_a_fragment_is_written_once_and_read_as_a_group_where_it_is_named(tmp_path: Path) -> None:
    """`[fragments]`: "(?&grievance)" in a pattern reads as the fragment, in a group of its own;
    a user file may redefine one, and a name with no fragment is an error naming the pattern."""
    reader = _Reader(PACKAGED, "packaged")
    expanded = reader.expand("x", "(?&grievance)|nope")
    assert expanded == f"(?:{PACKAGED['fragments']['grievance']})|nope"
    question = "is there a fee for paying with amex?"

    def marked(triager: Triager) -> bool:
        return any("hypothetical" in str(r) for r in triager.triage(question, now=NOW, explain=True).why)

    assert marked(Triager.load())
    user = tmp_path / "triage.toml"
    user.write_text("[fragments]\ngrievance = '\\bamex\\b'\n", encoding="utf-8")
    assert not marked(Triager.load(user))  # amex is a grievance now: the question is not marked
    user.write_text("[phrases.mine]\nvalence = 1.0\npatterns = ['(?&nosuch) thing']\n", encoding="utf-8")
    with pytest.raises(TriageConfigError, match=r"mine\.patterns\[0\].*\(\?&nosuch\) names no string"):
        Triager.load(user)
    user.write_text("[fragments]\nloop = '(?&greeting)'\n[phrases.mine]\nvalence = 1.0\n"
                    "patterns = ['(?&loop)']\n", encoding="utf-8")
    with pytest.raises(TriageConfigError, match=r"fragments\.loop.*may not use another"):
        Triager.load(user)


@pytest.mark.parametrize(
    "text",
    [
        "3 hr delay but @Halvard_Air crew handed out pizza at the gate. can't even be mad",
        "@FernwayAir 2 hr delay but they fed us and kept us posted the whole time. that's how you do it",
        "crew swapped seats around so my sister & I could sit together on the way home from the funeral. "
        "small thing, meant a lot @LumenaAir",
    ],
)
def test_a_story_that_closes_on_praise_is_praise(triager: Triager, text: str) -> None:
    """Session 54 (`[kind] closing_praise`): the label model read the delay, the funeral one word at
    a time; the mention closes on praise and nothing after it takes it back."""
    result = triager.triage(text, now=NOW, explain=True)
    assert (result.label, result.kind, result.queue) == ("positive", "praise", "champions"), text
    assert any("closes on praise" in r.text for r in result.why), result.why


@pytest.mark.parametrize(
    "text",
    [
        "@Northrail thanks for the 2 hour delay, really made my day",  # irony
        "45 min in the drive-thru for one iced latte. 10/10 would idle my car again",  # irony
        "@X my flight was cancelled and nobody told me. you're the best",  # irony
        "the crew were lovely, you're the best. but my bag is still in Denver",  # taken back
        "@DellCares Hey please! A solution will be appreciated",  # a request, not praise
    ],
)
def test_praise_at_the_end_that_is_irony_or_taken_back_is_no_praise(triager: Triager, text: str) -> None:
    assert triager.triage(text, now=NOW).queue != "champions", text


def test_a_handle_after_the_fault_does_not_hide_it(triager: Triager) -> None:
    """The second reading leaves handles out, as the rules do: "@CorvidAir" after "my bag is still in
    Denver" took the fault's bad news from 0.95 to 0.77, under the bar, and the mention to `champions`."""
    for text in ("the crew were lovely, you're the best. but my bag is still in Denver",
                 "the crew were lovely, you're the best. but my bag is still in Denver @CorvidAir"):
        assert triager.triage(text, now=NOW).queue == "priority", text


def test_a_given_name_never_makes_a_crisis(triager: Triager) -> None:
    """Session 54 (`[kind.crisis.names]`): the crisis model had learned "Mohammed" from a report of
    discrimination, and a passport question with that name was a crisis where the same with "John"
    was a question. Discrimination told in what was done stays a crisis, as does an account shown
    to the wrong person."""
    for name, twin in (("Mohammed", "Mohamed"), ("John", "Jon")):
        text = f"@SkyAir my passport name says {name} but the ticket says {twin}, is that a problem?"
        assert triager.triage(text, now=NOW).kind == "question", text
    for text in ("Holiday rental host cancelled the minute he saw my name was Mohammed. Same dates were "
                 "back on the site an hour later.",
                 "@PayLoop why am i logged in as some guy named kevin??"):
        assert triager.triage(text, now=NOW).kind == "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        "@VaultPay there are 3 payments on my card I didn't make",
        "Thanks @VaultPay for the new card! Shame someone made three purchases on it before it even arrived.",
    ],
)
def test_payments_someone_else_made_are_fraud_wherever_they_were_made(triager: Triager, text: str) -> None:
    """Session 54, by hand: the first read as `other` at priority 8, the second as a complaint."""
    assert triager.triage(text, now=NOW).kind == "crisis", text


def test_charges_not_expected_are_a_question_not_fraud(triager: Triager) -> None:
    text = "@VaultPay there are 2 charges on my bill that I didn't expect, can you explain?"
    assert triager.triage(text, now=NOW).kind != "crisis"


def test_smoke_in_the_cabin_and_passengers_made_unwell_are_a_crisis(triager: Triager) -> None:
    """Session 54, an agent's probe: it read as a complaint. Being sick of waiting is no crisis."""
    text = "@SkyAir the plane smelled of smoke and the crew said nothing, several passengers felt dizzy"
    assert triager.triage(text, now=NOW).kind == "crisis"
    assert triager.triage("@SkyAir we all got sick of waiting at the gate", now=NOW).kind == "complaint"


@pytest.mark.parametrize(
    ("text", "queue"),
    [
        ("@SkyAir the gate agent let my kid board early to see the cockpit. she's over the moon",
         "champions"),
        ("@SkyAir my flight got delayed but the lounge pass made up for it. thanks!", "champions"),
        ("@SkyAir my flight got delayed 5 hours and a £5 voucher hardly made up for it", "priority"),
        ("@SkyAir 5 hour delay, how will you make up for it?", "priority"),
        # a credit to an account is no credit to someone
        ("@Uber_Support I submitted an online request and expect a cancellation credit to my account as "
         "I would of had to pay. Thank you!", "needs-reply"),
    ],
)
def test_over_the_moon_and_made_up_for_it(triager: Triager, text: str, queue: str) -> None:
    """Session 54, an agent's probes: the first read flat, the second as a complaint."""
    assert triager.triage(text, now=NOW).queue == queue, text


def test_whether_a_connection_time_is_enough_is_a_plain_question(triager: Triager) -> None:
    """Session 54, an agent's probe: "only 45 min" read as a complaint."""
    for text in ("@SkyAir my connection is only 45 min in ORD, is that enough?",
                 "@SkyAir is 50 minutes enough to connect in Heathrow T5?"):
        assert triager.triage(text, now=NOW).queue == "needs-reply", text
    missed = "@SkyAir missed my connection again, 45 min is never enough. is that enough for you?"
    assert triager.triage(missed, now=NOW).queue == "priority"


def test_travel_chatter_and_a_traveller_left_to_crawl(triager: Triager) -> None:
    """Session 54, an agent's probes: "boarding soon" read as a delay; a disabled traveller left to
    crawl off a plane read as an ordinary complaint."""
    assert triager.triage("@SkyAir waiting at the gate, boarding soon ✈️", now=NOW).label == "neutral"
    late = "@SkyAir boarding now, 3 hours late. thanks for nothing"
    assert triager.triage(late, now=NOW).queue == "priority"
    crawl = "@SkyAir I'm disabled and nobody came with the wheelchair, I had to crawl off the plane"
    assert triager.triage(crawl, now=NOW).kind == "crisis"


def test_a_travellers_anticipation_is_positive_and_a_wait_for_an_answer_is_not(triager: Triager) -> None:
    """Session 57, real tweets to airlines read flat: "Costa Rica here we come!!", "Looking forward
    to my flight tonight"; not a customer waiting on a reply, nor a farewell to a provider."""
    for text in ("Costa Rica here we come!! @SkyAir",
                 "Looking forward to my @SkyAir flight tonight to Lisbon."):
        assert triager.triage(text, now=NOW).label == "positive", text
    for text in ("@SkyAir looking forward to hearing from you", "@SkyAir looking forward to your reply",
                 "Finally free of the @SkyAir chains here I come cricket"):
        assert triager.triage(text, now=NOW).label != "positive", text


def test_the_count_of_times_asked_is_a_complaint(triager: Triager) -> None:
    """Session 57, by hand: a polite close over a third request read neutral, in needs-reply."""
    for text in ("@SkyAir looking forward to hearing from you, 3rd time asking about my refund",
                 "@SkyAir 2nd time asking: where is my bag?"):
        result = triager.triage(text, now=NOW)
        assert (result.label, result.queue) == ("negative", "priority"), text


def test_discretion_misspelt_is_not_discrimination(triager: Triager) -> None:
    """Session 57, a real complaint read as a crisis: "at its discrimination" means its discretion."""
    misspelt = triager.triage('@AmazonHelp Prime offers free "2 Day" at its discrimination. Certainly '
                              "not how it used to be.", now=NOW)
    assert (misspelt.label, misspelt.kind) == ("negative", "complaint")
    assert triager.triage("@SkyAir your gate agent's discrimination against my son", now=NOW).kind == "crisis"


def test_its_ok_now_is_a_problem_put_right(triager: Triager) -> None:
    """Session 57, a real reply read as a complaint: "Its ok now / I was trying to make changing
    while long saving"; not a hope nor a question."""
    fixed = triager.triage("@MicrosoftHelps Its ok now\nI was trying to make changing while long "
                           "saving -____-\nSorry for inconvinience", now=NOW)
    assert fixed.label == "positive"
    asked = triager.triage("@SkyAir is it ok now? still can't log in", now=NOW, explain=True)
    assert asked.label == "negative"
    hoped = triager.triage("@SkyAir hopefully everything's OK now", now=NOW, explain=True)
    phrases = [r.text for r in (*asked.why, *hoped.why) if r.source == "phrase"]
    assert not any("ok now" in text for text in phrases), "asked or hoped, not said"


def test_a_red_heart_emoji_reads_as_love_with_or_without_its_variation_selector(triager: Triager) -> None:
    """Session 59: VADER left U+FE0F glued to "heart" and scored "❤️" 0, where "❤" scores +0.67."""
    with_selector = triager.triage("@Cafeco see you saturday ❤️")
    assert with_selector.label == triager.triage("@Cafeco see you saturday ❤").label == "positive"


@pytest.mark.parametrize(("text", "label"), [
    ("@Appco loooove the new app", "positive"),
    ("@Appco the new app is sooo baaaad", "negative"),
])
def test_a_stretched_word_reads_as_the_word(triager: Triager, text: str, label: str) -> None:
    """Session 59: "loooove the new app" read as a complaint (VADER knew no stretched word)."""
    assert triager.triage(text).label == label


@pytest.mark.parametrize("text", [
    "@Menuco yall are killing it with the new menu",
    "@Airco the wifi is fire",
])
def test_slang_praise_stands(triager: Triager, text: str) -> None:
    """Session 59 probes: read as a complaint and flat."""
    r = triager.triage(text)
    assert r.label == "positive" and r.queue == "champions"


def test_a_thing_that_is_fire_is_not_slang_praise(triager: Triager) -> None:
    assert triager.triage("@Airco the engine is fire").kind != "praise"


@pytest.mark.parametrize(("text", "crisis"), [
    ("@Airco can I sit in the fire exit row?", False),
    ("@Airco where is the fire exit in terminal 2", False),
    ("@Mallco the fire exit at the back was locked with a padlock", True),
    ("@Mallco blocked fire exits everywhere in your Leeds store", True),
])
def test_a_fire_exit_is_a_crisis_when_it_is_blocked(triager: Triager, text: str, crisis: bool) -> None:
    """Session 59: any mention of a fire exit was a crisis, a traveller's seat question too."""
    assert (triager.triage(text).kind == "crisis") is crisis


@pytest.mark.parametrize("text", [
    "@Airco what's the baggage allowance for basic economy",
    "@Airco whats the wifi password",
    "@Airco how's the weather in Denver",
])
def test_a_contracted_question_word_opens_a_question(triager: Triager, text: str) -> None:
    """Session 59: "what's" opened no question (the apostrophe guard meant for "can't" took it)."""
    assert triager.triage(text).kind == "question"


def test_cant_believe_how_good_is_praise(triager: Triager) -> None:
    """Session 59 probe, read as a complaint; "how bad" stays one."""
    good = triager.triage("@Airco can't believe how good the food was on my flight today")
    assert good.queue == "champions"
    assert triager.triage("@Airco can't believe how bad the food was").label == "negative"


@pytest.mark.parametrize("text", [
    "@Gameco never mind, it's working now",
    "@Cableco internet is back up now",
    "@Cableco it just turned back on for me",
    "@Musicco It works now",
    "@Cloudco Portal is now back online.",
    # session 64, an @XboxSupport thread: "seems to be working", said after the steps that fixed it
    "@Gameco tried again and it seems to be working",
    "@Cableco Restarted the router and it appears to be working",
])
def test_a_trouble_said_to_be_over_is_news_not_a_complaint(triager: Triager, text: str) -> None:
    """Session 63, found by hand in a store of real @AskPlayStation threads: the customer's own
    "never mind, it's working now" went to `priority` as a complaint (51). The real sets' annotators
    call such follow-ups neutral (with thanks, praise), so they wait in `needs-reply`, not `champions`."""
    r = triager.triage(text)
    assert (r.label, r.kind, r.queue) == ("neutral", "other", "needs-reply")


@pytest.mark.parametrize(("text", "label"), [
    ("@Gameco it's working now, thank you so much!", "positive"),
    ("@Cableco it's back up now but still really slow", "negative"),
    ("@Gameco it only works now and then", "negative"),
    ("@Gameco it doesn't seem to be working", "negative"),
    ("@Gameco it seems to work for everyone but me", "negative"),
    ("@Thermoco woke up to a chilly house again and had to set it all back up", "negative"),
])
def test_a_trouble_over_with_more_said_is_read_whole(triager: Triager, text: str, label: str) -> None:
    assert triager.triage(text).label == label


@pytest.mark.parametrize("text", [
    "once it's back up I'll try again",
    "@Cableco when it's back up I'll let you know",
    "@Gameco is it working now?",
])
def test_a_fix_waited_for_is_not_praise(triager: Triager, text: str) -> None:
    """Session 63: "once it's back up I'll try again" was read as a fix and reached `champions`."""
    r = triager.triage(text)
    assert r.queue != "champions" and r.label != "negative"


@pytest.mark.parametrize("text", [
    "Day 7 without Internet. @Cableco nightmare continues. Elderly mom can’t access #LifeAlert. "
    "@Cableco what is the problem?",
    "@Telco no dial tone for 3 days and my dad's medical alert pendant doesn't work without it",
    "@Telco my life alert hasn't worked since your outage",
])
def test_a_medical_alert_cut_off_is_a_crisis(triager: Triager, text: str) -> None:
    """Session 64, a real @VerizonSupport tweet labelled a crisis and read as a complaint: a medical
    alert an outage cut off is an emergency call that cannot be made."""
    assert triager.triage(text).kind == "crisis"


@pytest.mark.parametrize("text", [
    "@Telco do you sell a medical alert device?",
    "@Telco I'd like to get my mum a life alert, can you help?",
])
def test_asking_about_a_medical_alert_is_not_a_crisis(triager: Triager, text: str) -> None:
    assert triager.triage(text).kind != "crisis"


def test_a_product_shutting_down_for_good_is_not_an_outage(triager: Triager) -> None:
    """Session 64, a real @XboxSupport tweet labelled a complaint and read as a crisis ('down' +
    'other customers'): a game closing for good is not an outage hitting many."""
    text = ("@XboxSupport Marvel Heroes Omega is shutting down completely soon, and as many other "
            "customers are, I was caught by surprise and am angry and wondering about refunds.")
    assert triager.triage(text).kind == "complaint"
    assert triager.triage("@Telco the site is down for everyone").kind == "crisis"
