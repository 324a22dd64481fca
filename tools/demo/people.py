"""Customer names (diverse on purpose) and spam handles for the demo dataset."""

NAMES = [
    "Maya Chen", "Diego Ramírez", "Olivia Brooks", "Kwame Mensah", "Sarah Goldberg", "Ravi Shankar",
    "Emily Nguyen", "Jordan Taylor", "Aisha Bello", "Liam O'Connor", "Chloé Bernard", "Mateo Silva",
    "Grace Kim", "Noah Patel", "Zoe Anderson", "Hiroshi Sato", "Amara Okonkwo", "Ben Whitaker",
    "Isabella Rossi", "Ethan Park", "Nadia Haddad", "Lucas Moreau", "Rachel Stein", "Tyrone Jackson",
    "Ingrid Larsen", "Samir Khan", "Megan Doyle", "Andre Thompson", "Valentina Cruz", "Owen Hughes",
    "Freya Johansson", "Marcus Lee", "Leila Farouk", "Caleb Martin", "Ximena Torres", "Daniel Cohen",
    "Hana Yilmaz", "Patrick Byrne", "Keisha Williams", "Arjun Mehta", "Sophie Wagner", "Miguel Ángel Ruiz",
    "Abby Foster", "Chidi Eze", "Nora Lindqvist", "Victor Huang", "Tessa Morgan", "Omar Siddiqui",
    "Julia Kowalski", "Ryan Murphy", "Mei Lin", "Gabriel Santos", "Harper Collins", "Yusuf Demir",
    "Claire Fontaine", "DeShawn Harris", "Elif Aydın", "Kai Nakamura", "Renée Lafleur", "Tom Baker",
    "Ana Lucía Vargas", "Wes Anderson-Reid", "Fiona MacLeod", "Raj Malhotra", "Brianna Scott",
    "Mohammed Rahman", "Lena Fischer", "Pedro Alves", "Jess Thornton", "Thandiwe Ndlovu", "Sean Kelly",
    "Ayesha Qureshi", "Nico Bianchi", "Paige Turner", "Jin-woo Choi", "Esther Adeyemi", "Kyle Brennan",
    "Marisol Flores", "Henrik Berg", "Dana Whitfield", "Tariq Hussain", "Molly Chapman", "Pablo Ortega",
    "Simone Mbeki", "Alex Rivera", "Camila Duarte", "Noor Abbas", "Greg Sullivan", "Yara Nassar",
    "Ollie Bennett", "Mariam Tesfaye", "Connor Walsh", "Leah Rosenberg", "Bao Tran", "Kiana Kahale",
]

SPAMMERS = [
    "growth.guru.official", "crypto_king_4490", "promo.boost.agency", "f4f_daily_grow",
    "brand.ambassador.hq", "meta.support.verify", "lucky_wallet_22", "anon8832771",
    "trollzilla_99", "cheap.parts.factory",
]
