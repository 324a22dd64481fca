"""Hand-written pieces for Harbor Bikes (Oakland). Same shapes as content_coffee."""

POSTS = [
    "Post: Spring tune-up special — $89",
    "Reel: Building a wheel from scratch",
    "Post: Saturday group ride to Tilden",
    "Post: New e-bike demo fleet",
    "Post: Kids' bike swap this weekend",
    "Post: Meet Dani, our new head mechanic",
]

DM = {
    1: [
        "Hi, how much is the Cascade e-bike in the large frame? And do you have it in stock?",
        "Can I book a tune-up for this Saturday? It's a road bike, just needs shifting adjusted.",
        "Do you do bike fits? What's the price and how long does it take?",
        "I'm looking for a kids' bike for my 6 year old, around $250. What do you have?",
        "We run a food delivery startup in Oakland and need 10 cargo e-bikes. Can you give us a fleet quote?",
        "Do you rent bikes by the day? Visiting from Chicago next week with my partner.",
        "Do you take trade-ins? I have a 2019 Trek hybrid in good shape and want to move to an e-bike.",
        "Is the Bosch-motor commuter still available in green? Saw it on your Instagram.",
        "What's the wait time for a full overhaul right now? And rough cost?",
        "Do you offer financing on e-bikes? Something like 12 months?",
        "hey do you guys deliver bikes to Berkeley or do I need to pick up",
        "Can I reserve the gravel bike in the window? Medium size. I can come in Thursday.",
        "Need a quote to convert my regular bike to electric. Is that something you do?",
        "How much for a new rear wheel for a 700c road bike? Mine is taco'd 😬",
    ],
    2: [
        "Picked up my bike from tune-up yesterday and the rear brake is rubbing worse than before. Paid $120 for this?",
        "My e-bike battery died after 3 months. You said it's under warranty but nobody called me back in 10 days.",
        "The tire you replaced last week has gone flat twice. Something's wrong with the install.",
        "Bike was promised for Tuesday. It's Friday. No call, no update. I need it to get to work.",
        "Got charged $45 for a 'diagnostic' nobody mentioned beforehand. Not cool.",
        "Chain snapped on my first ride after your service. I went down hard. I have photos.",
        "Your mechanic scratched the frame on my carbon bike and acted like it was already there.",
        "Ordered a helmet online for pickup, got an email saying it's ready, came in and nobody could find it. Twice.",
        "The kids bike we bought has a wobbly wheel already. It's been a week.",
        "I want a refund on the rental. The bike's gears skipped the whole day and we had to walk up half the hills.",
    ],
    3: [
        "What tire pressure should I run on 28mm tires? I'm about 80kg.",
        "Do you install clipless pedals if I bring my own?",
        "Are your group rides beginner friendly?",
        "Is it worth tubeless for commuting?",
        "How often should I service an e-bike motor?",
        "Do you recycle old tires and tubes?",
        "Can I bring my bike in without an appointment for a quick flat fix?",
        "What lock do you recommend for downtown Oakland?",
    ],
    4: [
        "Dani fixed my wheel in 20 minutes while I waited. Absolute legend. Thank you!",
        "Just rode 60 miles on the bike you fitted me for and zero back pain. Game changer.",
        "Thanks for helping my daughter pick her first bike. She hasn't stopped riding since 😄",
        "Great group ride on Saturday, thanks for waiting up on the climbs!",
    ],
    5: [
        "Buy cheap bike parts wholesale direct from factory!! whatsapp +86 555 0198",
        "Make $800/day riding for our app!! no experience needed, DM 'RIDE'",
        "ur bikes are overpriced garbage lmao",
        "f4f? 🚲🚲",
        "Get 50K real views on your reels, first 1000 free 🎁",
    ],
}

DM_INTL = {
    1: [
        ("Carlos Mendoza", "Buenas, ¿cuánto cuesta la bici eléctrica Cascade? ¿Aceptan pagos a plazos? 🚲"),
        ("Nguyễn Văn An", "Xin chào, cửa hàng có cho thuê xe đạp theo tuần không? Giá bao nhiêu ạ?"),
    ],
    2: [("Fatima Al-Sayed", "اشتريت دراجة من متجركم الأسبوع الماضي والفرامل لا تعمل بشكل صحيح. أرجو المساعدة بسرعة.")],
    3: [("Yuki Watanabe", "電動アシスト自転車の充電は何時間くらいかかりますか？")],
    4: [("Ирина Соколова", "Спасибо за быстрый ремонт! Велосипед как новый 🚴‍♀️")],
}

REPLY = {
    1: [
        "Hey {first}! Yes, we have it — what height are you and what kind of riding do you do? Happy to set up a test ride.",
        "Hi {first}, you're booked in for Saturday at 10am 👍 Tune-ups are $89 and usually same-day.",
        "Hi {first}! Love this. Can you tell me how many riders, daily distance, and when you'd need the bikes? I'll get a fleet quote over today. — Dani",
        "Thanks {first}! Yes we do. A fit is $150 and takes about 90 minutes. Want me to pencil you in for next week?",
    ],
    2: [
        "{first}, I'm sorry — that's not the work we stand for. Bring it back in any time today and we'll fix it for free, while you wait.",
        "Hi {first}, you're right to be frustrated. I've escalated your warranty claim and will call you by 4pm today. — Dani",
        "Really sorry, {first}. Can you DM me the photos and your ticket number? I want to look at this personally.",
    ],
    3: [
        "Hi {first}! Around 70–75 psi rear and 65–70 front is a good start for you. Adjust to taste 🙂",
        "Yes {first}, just bring them in — it takes 10 minutes and it's free if you bought the pedals here.",
        "Totally, {first}! We ride no-drop, so nobody gets left behind.",
    ],
    4: ["Thanks so much, {first}! Happy riding 🚲", "{first}, this made the whole shop smile. Thank you!"],
}

FOLLOW_UP = {
    1: [
        "I'm 6'1\", mostly commuting, about 10 miles a day. Could I test ride Saturday?",
        "Great, see you then. Do I need to bring anything?",
        "Ok thanks. What's the total with tax?",
    ],
    2: [
        "Ticket #HB-2271. Photos coming now.",
        "I can come at 5. Please make sure someone knows I'm coming this time.",
        "Fine. But if it happens again I want my money back.",
    ],
    3: ["Perfect, thanks!", "Got it 👍 appreciate it"],
    4: ["🙌"],
}

MENTION = {
    2: [
        "Took my bike to @harbor_bikes for a 'quick' fix, it's been 9 days. Anyone know a faster shop in Oakland?",
        "Not loving that @harborbikes raised tune-up prices again",
    ],
    3: ["Is @harbor_bikes open on Mondays? Need a tube asap"],
    4: [
        "Sunday loop done 🚴 thanks @harbor_bikes for the tune-up, shifting like butter",
        "The @harbor_bikes group ride is the best way to meet people in Oakland. Fight me.",
        "New wheels from @harbor_bikes 😍 #bikeoakland",
    ],
    5: ["@harbor_bikes @cyclist_daily @bikelife DM for promo 💸💸"],
}

COMMENT = {
    1: [
        "What's the price on the demo e-bikes after the season?",
        "Can I book the $89 tune-up online?",
        "Do you have this in a small frame?",
    ],
    2: [
        "Still waiting on my bike from two weeks ago...",
        "Paid for the special and got charged full price. Please check your register.",
        "My rental broke down halfway up the hill and nobody answered the phone.",
    ],
    3: [
        "What time does the ride start?",
        "Is the swap only for kids' bikes or adult too?",
        "Do you need to sign up for the group ride?",
        "Does the tune-up include brake pads?",
    ],
    4: ["Love this shop ❤️", "Dani is the GOAT", "So satisfying to watch", "See you Saturday!", "Best bike shop in the East Bay 🙌"],
    5: ["DM me for cheap carbon frames 💯", "Check my page for giveaways 🎁🎁", "follow back?"],
}

COMMENT_INTL = {
    3: [("Andrés Gutiérrez", "¿La salida del sábado es para principiantes también?")],
    4: [("陈 静", "太酷了！🚲")],
}

REVIEW = [
    (1, "Left my bike for a brake bleed, got it back a week late with a new scratch on the top tube. Manager didn't care."),
    (1, "They sold me an e-bike with a faulty battery and made me fight for the warranty. Avoid."),
    (2, "Mechanics know their stuff, but communication is terrible. Never got the promised call."),
    (2, "Tune-up was fine, but $40 more than quoted and nobody explained why."),
    (3, "Decent shop, busy on weekends. Prices are average for the Bay Area."),
    (3, "Friendly staff, but the wait for repairs is long right now."),
    (4, "Helped me find the right commuter bike without any pressure. Great test rides."),
    (4, "Good mechanics and a fair price. Took a day longer than planned but they kept me posted."),
    (5, "Best bike shop in Oakland. Honest, fast, and they explain what they're doing."),
    (5, "Dani trued my wheel on the spot and refused to charge me. Customer for life."),
    (5, "Bought my first e-bike here. They spent an hour showing me everything. 10/10."),
    (5, "The bike fit was worth every penny. My knee pain is gone."),
]

REVIEW_INTL = [
    (5, "Mateo Rojas", "Excelente servicio. Me ajustaron la bici en media hora y a buen precio. ¡Recomendado!"),
    (2, "Андрей Морозов", "Ремонт занял две недели вместо трёх дней. Мастера хорошие, но очень медленно."),
    (5, "高桥 由美", "とても親切なお店です。初めての電動自転車選びを丁寧に手伝ってくれました。"),
]

REVIEW_REPLY = {
    "low": [
        "{first}, we're sorry — you deserved better communication. Please call the shop and ask for Dani; we'll make this right.",
        "Hi {first}, this is not ok and we own it. We've reached out by email to sort out the repair at no cost.",
    ],
    "mid": ["Thanks {first}, fair points. We've hired another mechanic to bring wait times down."],
    "high": ["Thank you {first}! See you on the next ride 🚲", "{first}, you made our day. Thanks for riding with us!"],
}

DIALOGUES = [
    dict(kind="dm", tier=1, author="Jamal Carter", lines=[
        "Hey, we're opening a courier company in Oakland. Looking for 10-12 cargo e-bikes plus maintenance. Who do I talk to?",
        "US: Hi Jamal! That's me (Dani, shop manager). Which cargo style — front box or longtail? And what daily mileage per rider?",
        "Longtail probably. Riders do 30-40 miles a day, lots of hills.",
        "US: Then I'd look at the Tern GSD or the Cascade Long with a 750Wh battery. Are you buying or would leasing work?",
        "Leasing would be ideal. What does that look like for 12 bikes?",
        "US: Roughly $189/bike/month for 24 months, maintenance included. Want to come in Tuesday to test ride both?",
        "Tuesday at 2 works. I'll bring my ops lead.",
        "US: Booked! I'll have both models charged and ready. See you Tuesday, Jamal.",
        "Quick q before then — do you also do the racks and bags or is that separate?",
        "US: We can bundle racks, bags and lights. I'll bring a bundle quote Tuesday.",
        "Perfect 👌",
    ]),
    dict(kind="dm", tier=2, author="Elena Petrova", lines=[
        "My e-bike display shows error E07 and the motor won't engage. I bought it from you 4 months ago.",
        "This is my only way to get to work.",
        "US: Hi Elena, I'm sorry! E07 is usually a sensor connection. Can you bring it in today? We'll prioritize it.",
        "I can't ride it there, it's too heavy without the motor. It's 3 miles.",
        "US: Understood — we can pick it up. Would 5:30 today work at your address?",
        "Yes! That would be amazing. 3400 Grand Ave, apt 12.",
        "US: Booked for 5:30. We'll lend you a loaner commuter while yours is in the shop.",
        "That's so helpful, thank you.",
        "Hi, any news? It's been two days.",
        "US: Hi Elena! The sensor was faulty — replaced under warranty. We can drop it off tomorrow morning.",
        "Tomorrow morning works. Thank you so much!",
        "Actually, could it be before 8? I leave for work at 8:15.",
    ]),
    dict(kind="dm", tier=3, author="Kenji Mori", lines=[
        "Hey, planning my first century ride. Any tips on what to carry?",
        "US: Hi Kenji, exciting! Two tubes, a mini pump, tire levers, a multi-tool, and more food than you think you'll need.",
        "How much food are we talking?",
        "US: Around 60-90g of carbs per hour after the first hour. Bars, gels, even a PB&J works.",
        "Good tip. Would you recommend a saddle bag or a frame bag?",
        "US: For a century, a small saddle bag for tools + jersey pockets for food is plenty.",
        "Thanks!! I'll stop by for tubes this week 🙏",
    ]),
    dict(kind="dm", tier=1, author="Sofía Herrera", lines=[
        "Hola! Do you have a kids' bike for a 4 year old, with training wheels?",
        "US: Hi Sofía! Yes — 14\" bikes from $189, training wheels included. Is your kid around 100cm tall?",
        "Yes about that. Can we come Saturday to try?",
        "US: Of course! Saturdays are busy, so come before 11 if you can. I'll set two aside for you.",
        "¡Gracias! See you Saturday 🚲",
    ]),
]
