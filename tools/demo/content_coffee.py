"""Hand-written pieces for Northwind Coffee (Portland, Seattle).

A piece is a string (any author), an (author, text) pair (the text fits that
author, e.g. another language), or a list: a scripted thread where lines
starting with "US: " are ours.
"""

POSTS = [
    "Post: Pumpkin spice is back 🎃",
    "Post: Meet our Seattle baristas",
    "Post: New oat-milk cortado",
    "Post: Holiday hours",
    "Post: Bean Club — fresh beans at your door every month",
    "Reel: Latte art Friday",
    "Post: We're hiring in Portland",
    "Post: Cold brew season is here",
]

DM = {
    1: [
        "Hi! Do you do catering for office meetings? We'd need coffee for about 40 people next Thursday morning.",
        "How much is a Coffee Traveler box? Thinking of ordering 3 for a Saturday workshop.",
        "Do you deliver to Beaverton? Our team would love a weekly coffee drop-off.",
        "hey, is the Bean Club subscription still $22/month? want to get one as a gift for my dad",
        "Can I book the back room at the Portland café for a small birthday brunch? ~15 people, Sunday the 20th",
        "Do you sell your house blend wholesale? I run a little bakery in Gresham and we're looking for a new roaster.",
        "What would a quote look like for coffee + pastries for a 120-person conference? Two days, Oct 9-10.",
        "Are the holiday gift boxes available yet? I need 25 for clients, ideally shipped by Dec 10.",
        "Quick one: can I pre-order 6 dozen pastries for Friday pickup at the Seattle shop?",
        "Do you have gift cards I can buy online? Need one today, it's my sister's birthday 🙈",
        "Hello, we're planning our wedding in June and would love a coffee bar. Do you do events like that and what's the price range?",
        "Do you deliver to Capitol Hill offices? Looking at a standing order Mon/Wed/Fri.",
        "is the espresso machine you use for sale? lol jk. but seriously, do you sell the beans in 5lb bags?",
        "How much to rent the whole Seattle café for an evening? It's for a book launch, around 60 guests.",
        "We host a monthly meetup (~30 devs). Could you do a coffee and snack package? Budget is about $300.",
        "Do you ship beans to Canada? Vancouver BC specifically 🇨🇦",
        "Can I order the pumpkin loaf whole? Need 4 for a Thanksgiving thing.",
        "Hi there, I manage a co-working space in the Pearl. Interested in putting your coffee in our kitchen. Who should I talk to?",
        "do you have availability for a latte art class for 8 people? team building thing",
        "What's the minimum order for catering delivery?",
    ],
    2: [
        "Ordered on the app at 7:40, got to the Portland shop at 8 and it wasn't even started. I was late for work. Not great.",
        "I was charged twice for my order this morning ($14.50 x2). Can someone fix this please?",
        "The oat milk latte I got today was basically cold. Third time this month.",
        "My Bean Club box never arrived. Tracking says delivered but nothing at my door. That's two weeks now.",
        "Asked for decaf, clearly got regular — I'm pregnant and was up all night. Please be more careful.",
        "Your barista at the Seattle store rolled her eyes at me when I asked a question about the menu. Really put me off.",
        "The catering order for our meeting showed up 45 minutes late and the coffee was lukewarm. We paid $180 for that.",
        "Your app keeps crashing when I try to redeem my rewards. I've lost 2 free drinks now 😤",
        "Found a piece of plastic in my muffin. Not okay. I still have it and the receipt.",
        "I'd like a refund for the gift box I ordered, half the items were crushed in shipping.",
        "The bathroom at the Portland location has been out of order for a week. With kids that's a real problem.",
        "I have a nut allergy and the staff couldn't tell me what was in the granola bar. Please train people on allergens.",
        "Waited 25 min for a drip coffee. Drip. Coffee.",
        "my subscription charged me after I cancelled it in August. want my money back",
    ],
    3: [
        "Are you open on Thanksgiving Day?",
        "Do you have any dairy-free options besides oat milk?",
        "Is there wifi at the Seattle shop? Looking for a spot to work from.",
        "Are dogs allowed inside? We have a very polite corgi 🐶",
        "What's the difference between the house blend and the Ridgeline roast?",
        "Is the pumpkin spice syrup made in-house or bought?",
        "Do you have gluten-free pastries?",
        "Is there parking near the Portland café?",
        "What grind should I ask for if I use an AeroPress?",
        "Are your cups compostable? Trying to figure out which bin",
        "Do you roast on site or somewhere else?",
        "What time does the Seattle location close on Sundays?",
    ],
    4: [
        "Just wanted to say the barista this morning (curly hair, Portland) made my whole day. Thank you!",
        "Your cold brew got me through finals week. Eternal gratitude ☕🙏",
        "Been a customer for 6 years, never had a bad cup. Keep doing what you're doing.",
        "The new cortado is ridiculously good. That's all. That's the message.",
        "Thanks for the free birthday drink! Didn't expect it 🥳",
        "Love that you hire local artists for the walls. The new mural in Seattle is gorgeous.",
    ],
    5: [
        "🔥 Grow your page to 10K followers in 7 days! DM us 'GROW' for a free trial 🔥",
        "Hey dear, I am a crypto trader and I can help you earn $5000 weekly from home, interested?",
        "Collab? We send you our detox tea, you post 3 stories. Reply for details 💚",
        "follow for follow?? 🙏🙏🙏",
        "Congratulations!! You've been selected for our brand ambassador program. Click the link in our bio to claim.",
        "Your account has violated our community guidelines. Verify your account here within 24h or it will be disabled: meta-support-verify.co",
        "coffee is overrated and so are you",
        "Hello I want to buy your page. How much?",
        "💰 Bitcoin giveaway 💰 send 0.1 BTC get 0.2 back, limited time",
        "nice pics!! check out my page for more 😘",
    ],
}

# Customers who write in their own language (author fits the text).
DM_INTL = {
    1: [
        ("田中 美咲", "こんにちは！来月ポートランドに行きます。コーヒー豆をお土産に10袋買いたいのですが、予約できますか？"),
        ("Lucía Fernández", "¡Hola! ¿Hacen entregas a domicilio en Seattle? Queremos pedir café para una reunión de 20 personas el viernes 😊"),
        ("王 芳", "你好！请问你们的咖啡豆可以寄到旧金山吗？价格是多少？"),
        ("Camille Dubois", "Bonjour ! Est-ce que vous proposez des cartes cadeaux ? J'aimerais en offrir une à ma collègue."),
    ],
    2: [
        ("Дмитрий Волков", "Здравствуйте. Заказал набор зёрен две недели назад, до сих пор ничего не пришло. Что происходит?"),
        ("José Martínez", "Pedí un latte con leche de almendra y me dieron leche normal. Soy intolerante a la lactosa, ¡muy mal! 😡"),
    ],
    3: [
        ("أحمد منصور", "مرحبا، هل لديكم قهوة عربية أو هيل؟ وما هي ساعات العمل يوم الجمعة؟"),
        ("Sofía Ramírez", "¿Tienen opciones sin azúcar? Mi mamá es diabética y quiere probar su café de calabaza."),
        ("김 지우", "안녕하세요! 시애틀 매장에 콘센트 있는 자리가 있나요? 노트북으로 일하려고요."),
    ],
    4: [
        ("佐藤 健", "昨日のラテ、本当に美味しかったです！また行きます☕️"),
        ("Ана Петренко", "Дякую за найсмачніше капучино в Портленді! ❤️"),
        ("João Pereira", "Melhor café da cidade, sem dúvida. Obrigado pelo atendimento incrível!"),
    ],
}

# Our first replies, by tier. {first} is the customer's first name.
REPLY = {
    1: [
        "Hi {first}! Thanks for thinking of us ☕ Happy to help — what date and roughly how many people? I'll put a quote together today.",
        "Hey {first}, great question! Yes, we can do that. Could you tell me the date, the address and your budget? Then I'll send options.",
        "Thanks {first}! We'd love to. I've sent you our catering menu by DM — want to hop on a quick call tomorrow to go over it? — Sam",
        "Hi {first}, yes! A Coffee Traveler serves about 12 cups and is $34. For 3 or more we can include cups, cream and sugar for free. What time do you need them?",
        "Hello {first}! Absolutely — what's the best email to send the details to? We usually confirm within the day.",
    ],
    2: [
        "{first}, I'm really sorry about this — that's not the experience we want for you. Could you DM me your order number so I can make it right today?",
        "Hi {first}, thank you for telling us, and I'm sorry. I've flagged it with the store manager. Can I refund you or send a replacement — whichever you prefer?",
        "Ugh, {first}, that's on us. I've issued a refund to your card (3–5 days to show up) and added a free drink to your account. Sorry again. — Sam",
        "Thanks for flagging this, {first}. I've passed it straight to our ops team and will get back to you by end of day with an answer.",
    ],
    3: [
        "Hi {first}! Good question — yes, we do. Let us know if anything else comes up 😊",
        "Hey {first}! Seattle closes at 6pm on Sundays, Portland at 5. Hope to see you soon!",
        "Hi {first}, we roast in small batches at our Portland roastery every Tuesday and Friday. Come by for a tour sometime!",
        "Great question {first}! For an AeroPress ask for a fine-medium grind — a bit finer than drip. Enjoy!",
    ],
    4: [
        "Thank you so much, {first}! This made our day 💛",
        "{first}, you're the best. We'll pass this on to the team!",
        "Aww thanks {first}! See you soon ☕",
    ],
}

# The customer writes again after our reply.
FOLLOW_UP = {
    1: [
        "Great, thank you! It would be Thursday the 12th, around 40 people, 9am. Budget is flexible.",
        "Perfect. Can you send the quote to events@brightlane.co?",
        "Ok that works for us. What's the next step — do you need a deposit?",
        "Thanks! One more question: can you do half decaf?",
    ],
    2: [
        "Order #NW-48213. Thanks for the quick reply.",
        "I appreciate it, but honestly it keeps happening. What are you actually going to change?",
        "Refund please. And I'd like to know this won't happen again.",
        "ok, thanks. I'll give you guys another try.",
    ],
    3: ["Perfect, thanks!", "Oh nice, good to know 👍", "Thank you!! One more: do you have oat milk at both places?"],
    4: ["❤️", "🙌"],
}

MENTION = {
    2: [
        "Stood in line at @northwindcoffee for 20 min this morning and they ran out of oat milk. Again. 🙃",
        "Does anyone else find @NorthwindCoffee has gotten way more expensive? $7 for a latte now.",
        "Hey @northwindcoffee your website checkout has been broken all day, can't order my beans",
    ],
    3: [
        "Anyone know if @northwindcoffee Seattle has outdoor seating? Asking for my dog.",
        "Is the @northwindcoffee Bean Club worth it? Thinking of subscribing.",
    ],
    4: [
        "Morning ritual ☕ @northwindcoffee #pdx #coffee",
        "Best cortado in Seattle is at @northwindcoffee and I will not be taking questions",
        "shoutout to the @northwindcoffee crew for staying open during the snow ❄️ real ones",
        "Working from @northwindcoffee today, the playlist is immaculate 🎶",
        "My kid's first babyccino at @northwindcoffee 🥹",
        "Coffee date at @northwindcoffee 💕 #portlandeats",
    ],
    5: [
        "@northwindcoffee @beanhaus @roastery_pdx @coffee_lovers check out my new coffee art NFT drop 🚀",
        "tagging everyone I know @northwindcoffee @spacecat @harbor_bikes win a free iPhone link in bio",
    ],
}

COMMENT = {
    1: [
        "How much is the pumpkin loaf? Want to order a few for the office",
        "Is the Bean Club available as a gift? For how long?",
        "Can we book you for our company party??",
    ],
    2: [
        "Tried it yesterday and it tasted burnt. Disappointed.",
        "Would be nice if you answered my email from last week about my broken order 🙄",
        "Pumpkin spice is back but the price went up $1.50?? Come on.",
        "You still haven't refunded my cancelled subscription. Third time asking.",
    ],
    3: [
        "Is it available with oat milk?",
        "What are the holiday hours for the Seattle shop?",
        "Are you hiring baristas with no experience?",
        "Which beans do you use for the cortado?",
        "Is the cold brew sweetened?",
        "Does the pumpkin spice have real pumpkin in it?",
        "Do you have a decaf version?",
    ],
    4: [
        "Yesss finally 🎃🎃🎃",
        "Best baristas in town 💛",
        "This is my happy place",
        "Looks amazing!!",
        "Can confirm, the cortado is 🔥",
        "Congrats on 10 years!",
        "Love this team ❤️",
        "Obsessed with the new mugs",
        "Already had two today 😅",
    ],
    5: [
        "Want more followers? Check my profile 👉👉",
        "DM me for a paid collab 💸",
        "I made $3k this week with crypto, ask me how",
        "first",
        "this is fake news lol",
        "Follow me back pls 🥺",
    ],
}

COMMENT_INTL = {
    3: [("Mariana López", "¿Tienen la versión sin lácteos? 😍"), ("山本 さくら", "これはシアトル店でも買えますか？")],
    4: [("Олег Иванов", "Выглядит потрясающе! 😍"), ("李 娜", "太好喝了！每天都来 ☕"), ("Léa Martin", "Trop bon, merci ! ✨")],
}

# Reviews: (stars, text). Some get an earlier reply from us.
REVIEW = [
    (1, "Waited 30 minutes for two lattes and nobody apologized. The staff were chatting behind the counter the whole time."),
    (1, "Found a hair in my scone. When I showed the barista she just shrugged. Won't be back."),
    (1, "Charged me $9 for a 'large' that was the same size as my friend's small. Total ripoff."),
    (1, "Mobile order was never made. Got there, waited 15 min, then they told me the printer was broken."),
    (2, "Coffee is good, but the place is always dirty — sticky tables, overflowing trash. Please clean."),
    (2, "Used to be my favorite. Since the new manager it's slow and the drinks are inconsistent."),
    (2, "Way too loud to have a conversation and no seats after 9am. The coffee itself is fine."),
    (2, "Pastries are stale by noon. For these prices I expect better."),
    (3, "Solid coffee, a bit pricey. Service was ok."),
    (3, "Nice vibe, slow wifi. Cortado was great though."),
    (3, "Good beans but the latte was too milky for me."),
    (4, "Great coffee and friendly staff. Only wish they opened earlier on weekends."),
    (4, "Lovely little café. The pumpkin loaf is worth the trip alone."),
    (4, "Really good espresso, cozy seating. Gets crowded on weekends."),
    (4, "Friendly baristas, great cold brew. Parking is a bit of a pain."),
    (5, "Best coffee in Portland, hands down. The baristas remember my order every time ☕"),
    (5, "Came for the cortado, stayed for three hours. Perfect place to work."),
    (5, "Amazing pour-over and the staff explained every bean. Felt like a tasting."),
    (5, "Our go-to Sunday spot. Kid-friendly, dog-friendly, everything-friendly."),
    (5, "The pumpkin spice latte actually tastes like spice and not just sugar. Five stars."),
    (5, "Ordered catering for our team offsite and it was flawless. On time, hot, delicious."),
    (5, "Cozy, warm, and the best chai I've had outside of Mumbai."),
]

REVIEW_INTL = [
    (5, "鈴木 翔太", "シアトルで一番美味しいコーヒーでした。スタッフも親切です！"),
    (5, "Isabel García", "¡Un café espectacular! El personal es súper amable y el ambiente acogedor."),
    (2, "Сергей Козлов", "Кофе неплохой, но ждали заказ почти 25 минут. Очень медленно."),
    (4, "ليلى حسن", "قهوة رائعة وخدمة ممتازة، لكن المكان مزدحم جدا في الصباح."),
    (1, "陈 伟", "等了四十分钟，咖啡还是冷的。非常失望。"),
]

REVIEW_REPLY = {
    "low": [
        "Hi {first}, we're truly sorry about your visit. That's not the standard we hold ourselves to. Please email hello@northwind.coffee so we can make it right.",
        "{first}, thank you for the honest feedback. We've shared it with the store team and are fixing the wait times. We'd love another chance.",
    ],
    "mid": ["Thanks for the feedback, {first}! We're working on it — hope to see you again."],
    "high": [
        "Thank you so much, {first}! The team was thrilled to read this 💛",
        "{first}, this made our week. See you soon! — Sam",
    ],
}

# Long, scripted threads (5-15 messages).
DIALOGUES = [
    dict(kind="dm", tier=1, author="Priya Natarajan", location="Portland", lines=[
        "Hi! I'm organizing a 2-day offsite for our team (about 35 people) at the Ecotrust building. Do you do catering there?",
        "US: Hi Priya! Yes, we cater at Ecotrust often. Which dates, and do you want coffee only or coffee + breakfast?",
        "Nov 14 and 15. Coffee + breakfast both mornings, and an afternoon coffee refresh if possible.",
        "US: Perfect. For 35 people, breakfast + coffee is $18/person/day, and the afternoon refresh is $6/person. Any dietary needs?",
        "We have 4 vegans and 2 gluten-free. Is there a discount for two days?",
        "US: We can take 10% off for both days. Vegan and GF options are no problem. Shall I send a formal quote?",
        "Yes please! Send it to priya@lumenworks.io. Also, can you invoice us instead of card?",
        "US: Done — quote sent and invoicing works (net 15). I'll hold the dates until Friday. — Sam",
        "Got it, thanks! I'll get sign-off from finance and confirm by Thursday 🙌",
    ]),
    dict(kind="dm", tier=2, author="Marcus Webb", location="Seattle", lines=[
        "Your Seattle store just refused to refill my reusable cup because it 'wasn't one of yours'. Since when is that a rule?",
        "US: Hi Marcus, I'm sorry, that shouldn't have happened — any clean reusable cup is welcome. Which time was this, roughly?",
        "About 8:15 this morning. The guy was pretty rude about it too.",
        "US: Thank you. I've spoken with the store manager and they're reminding the whole team today. Can I send you a credit for your next two drinks?",
        "I mean, sure. But I mostly want it not to happen again.",
        "US: Completely fair. The manager is on it, and I'll check back with them on Monday. Thanks for telling us, Marcus.",
        "Ok. Appreciate the quick reply at least.",
        "Actually one more thing — the discount for bringing your own cup, is that still 25 cents? It didn't show on my receipt.",
    ]),
    dict(kind="dm", tier=1, author="Lucía Fernández", location="Seattle", lines=[
        "¡Hola! Vi que hacen catering. ¿Cuánto cuesta para una boda de 80 personas en Seattle? 💍",
        "US: ¡Hola Lucía! Felicidades 🎉 Sí, hacemos barras de café para bodas. ¿Qué fecha tienen y cuántas horas de servicio?",
        "El 7 de junio, de 6 a 10 de la noche. ¿Incluye baristas?",
        "US: Sí, incluye dos baristas, espresso, cold brew y chai. Para 80 personas y 4 horas serían unos $1,900. ¿Les envío la propuesta?",
        "¡Perfecto! Sí, por favor. ¿Se puede agregar chocolate caliente para los niños?",
    ]),
    dict(kind="dm", tier=2, author="Hannah Okafor", location="Portland", lines=[
        "Hi, my Bean Club box came with the wrong beans again. I'm on the decaf plan and got the Ridgeline (very much not decaf).",
        "Second month in a row btw",
        "US: Hi Hannah, I'm so sorry — twice is not ok. I'm sending the right decaf out today by express, on us. Could you confirm your address ends in 'NE Alberta St'?",
        "Yes that's right. Thank you.",
        "US: Shipped! Tracking should arrive by email within the hour. I've also added a note to your subscription so the packers double-check. — Sam",
        "Got it. Fingers crossed 🤞",
        "US: Let me know when it arrives, Hannah!",
        "It arrived and it's the right one this time. Thanks for sorting it out so fast.",
        "US: So glad! Enjoy, and thanks for sticking with us 💛",
    ]),
    dict(kind="dm", tier=3, author="Tomasz Nowak", location="Portland", lines=[
        "Hey, random question — how long do your beans stay fresh after opening?",
        "US: Hi Tomasz! Best within 2–3 weeks of the roast date. Keep them in the bag, sealed, away from light and heat.",
        "Fridge or no fridge?",
        "US: No fridge! The moisture hurts them. A cupboard is perfect.",
        "Good to know. And for freezing?",
        "US: Freezing works if you split them into small airtight portions and don't refreeze. Great for bulk buys.",
        "Amazing, thanks for the crash course ☕",
    ]),
    dict(kind="dm", tier=1, author="Aiko Tanaka", location="Portland", lines=[
        "こんにちは！ポートランドの焙煎所ツアーはありますか？",
        "US: Hi Aiko! Yes, we do roastery tours on Saturdays at 10am. こんにちは! 😊",
        "ありがとうございます！8人で行きたいです。料金はいくらですか？",
        "US: For 8 people it's $15 each, including a tasting and a bag of beans. Which Saturday works for you?",
        "10月19日はどうですか？",
        "US: October 19 is open! I've reserved 8 spots under Tanaka. See you then!",
        "ありがとうございます！楽しみにしています 🙏",
    ]),
]
