"""What the ``engagement_self_assessment`` stakeholders write: the phrase banks (private).

Clauses by area (``A1``-``A9`` of ``engagement_areas.csv``) and aspect (``strength`` =
what works well, ``improvement`` = what could be better), built around the themes of the
bundled self-assessment codebook (and a few it does not code, as in real answers), plus
the openers, closers and interviewer's stems the generator in ``self_assessment.py`` wraps
them in.  Kept apart from the generator so that it reads top to bottom.
"""

#: what people write, by area and aspect: clauses built from the themes of the bundled
#: self-assessment codebook (and a few it does not code, as in real answers)
SA_PHRASES = {
    ("A1", "strength"): (
        "board papers are published and the meetings are held in public",
        "the partnership board meets in open session and anyone can ask a question",
        "there is more openness than there was under the old CCG arrangements",
        "decisions at ICS level are written up clearly in the minutes",
        "the governance papers set out who is accountable for what",
        "the chief executive is very open about the difficult decisions",
    ),
    ("A1", "improvement"): (
        "decisions still feel as if they are made behind closed doors",
        "it isn't clear how decisions are made at place level compared with ICS level",
        "we need more transparency about where the money goes – the £4m transformation fund "
        "was allocated with no public discussion",
        "board papers are long, full of jargon and hard to find on the website",
        "the public only hear about a change once it has already been decided",
        "there is no clear line of accountability across the organisations",
        "nobody tells us the outcome of what we contributed",
        "openness varies a lot between organisations",
    ),
    ("A2", "strength"): (
        "the ICS website now has the vision and the five-year plan in one place",
        "the annual report and the progress updates are clear and readable",
        "performance information is published every month",
        "the summary leaflet of the plan was accessible and well designed",
        "there was good public information about the vision at the launch events",
    ),
    ("A2", "improvement"): (
        "performance data is hard to find and harder to understand",
        "the plans are written in technical language with too many acronyms",
        "information about progress stops after the launch – we hear nothing for months",
        "nothing is published in easy read or in other languages",
        "the website is out of date and difficult to navigate",
        "there is little honest information about where performance is poor",
    ),
    ("A3", "strength"): (
        "the monthly newsletter is really useful",
        "regular updates come through several channels, including social media",
        "the stakeholder bulletin keeps people informed",
        "there is good use of the local press and radio as well as online channels",
        "the communications teams of the partners work well together",
        "being on the mailing list means we get updates straight away",
    ),
    ("A3", "improvement"): (
        "there is a lot of duplication, with the same newsletter coming from three "
        "organisations",
        "communication relies too much on online channels and misses people who are not "
        "digital",
        "updates are irregular and sometimes arrive too late to act on",
        "comms from the different organisations are not joined up",
        "social media is the main channel and many older people don't use it",
    ),
    ("A4", "strength"): (
        "there is regular dialogue with councillors through the health scrutiny committee",
        "the patient forums and PPGs are well supported",
        "lay members bring a real public voice to the board",
        "the citizens' reference group meets regularly and is listened to",
        "elected members are briefed before big announcements",
    ),
    ("A4", "improvement"): (
        "dialogue with representatives is ad hoc rather than systematic",
        "public representatives are often brought in too late, when decisions are made",
        "PPGs are not linked into the wider system at all",
        "the same few patient representatives are asked every time",
        "councillors hear about changes from the press before the forum does",
        "there is no feed back to the forums on what happened next",
    ),
    ("A5", "strength"): (
        "Healthwatch is a genuine partner and is involved from the start",
        "the voluntary sector is treated as a key partner, not an afterthought",
        "Healthwatch and the VCSE alliance helped us hear from people we would never have "
        "reached",
        "voluntary sector partners run the community conversations on behalf of the system",
        "there is a strong partnership with local charities on the engagement work",
        "Healthwatch reports are taken seriously at the board",
        "the third sector forum is a real strength",
    ),
    ("A5", "improvement"): (
        "the voluntary sector is expected to engage people with no funding to do it",
        "small community organisations don't have the capacity to attend every meeting",
        "Healthwatch's budget has been cut by £40,000 this year and it is stretched",
        "charities are sometimes asked to sign off plans that are already decided",
        "short-term funding makes it hard for voluntary groups to plan",
    ),
    ("A6", "strength"): (
        "there is good use of patient experience data and the friends and family test",
        "Healthwatch reports and local surveys are pulled together into one insight report",
        "the public health team shares its intelligence and evidence readily",
        "complaints and PALS feedback are reviewed alongside survey results",
    ),
    ("A6", "improvement"): (
        "there is a lot of insight but it sits in silos and is not shared",
        "we keep asking people the same questions – consultation fatigue is real",
        "existing feedback is not used before new surveys are started",
        "nobody has mapped what insight already exists across the partners",
        "patient experience data is not broken down by community, so we miss the "
        "differences",
    ),
    ("A7", "strength"): (
        "the maternity services redesign was co-produced with parents",
        "there are some good examples of co-design, such as the mental health crisis pathway",
        "citizens were involved early in the community hospitals review",
        "experts by experience help design services from the start",
    ),
    ("A7", "improvement"): (
        "co-production is talked about more than it is done",
        "people are consulted on options that have already been decided, which feels "
        "tokenistic",
        "redesign happens to communities, not with them – we are “done to”",
        "there is no budget or staff time set aside to co-design properly",
        "people should be involved early, before the options are drawn up",
        "co-design is patchy and depends on who leads the project",
    ),
    ("A8", "strength"): (
        "the outreach work with travellers was excellent",
        "Healthwatch went out to food banks and homeless shelters to hear from people",
        "there has been some good work with young people through the youth council",
        "community connectors help reach people in deprived areas",
    ),
    ("A8", "improvement"): (
        "we hear from the same people every time and not from the unengaged",
        "there is very little outreach to young people, ethnic minority communities or people "
        "in deprived areas",
        "seldom heard groups are talked about but not actually reached",
        "events are held in the daytime in town centres, so the people called ‘hard to reach’ "
        "are never reached",
        "too much relies on online surveys that many people never see",
        "there are no translations or easy read materials for people whose first language is "
        "not English",
        "there is no funding for sustained outreach, only one-off events",
        "we need to go to where people are rather than expecting them to come to us",
    ),
    ("A9", "strength"): (
        "social prescribing and community-led projects are empowering people",
        "there is good support for self care, especially for long-term conditions",
        "asset-based community development in two towns is a real strength",
        "the social action projects give people real control",
    ),
    ("A9", "improvement"): (
        "empowerment is a buzzword – people have little real control over services",
        "patients are not given the information they need to manage their own care",
        "community groups want more say and some funding to act themselves",
        "self care is promoted without the support to make it work",
        "power still sits with the organisations, not the community",
    ),
}
#: points made only by telephone (read out by the interviewer's prompts)
SA_TELEPHONE_PHRASES = {
    ("A1", "improvement"): ("could not find out who actually made the decision on the "
                            "community beds",),
    ("A3", "improvement"): ("not everyone is online – letters and the parish magazine still "
                            "matter",
                            "only hears about changes through the local press"),
    ("A4", "strength"): ("the regular meetings with the patient forum are valued",
                         "gets a personal call before big changes, which is appreciated"),
    ("A8", "improvement"): ("rural villages are forgotten, with no outreach beyond the towns",),
}
SA_OPENERS = ("I think ", "In my view ", "Generally ", "On the whole ", "In my experience ",
              "Honestly, ", "From where I sit ")
SA_CLOSERS = {
    "strength": ("Long may it continue.", "This is a real strength.",
                 "Credit to the teams involved.", "It has improved over the last year."),
    "improvement": ("This needs to change.", "It would make a big difference.",
                    "Still a long way to go.", "Hopefully this will improve as the ICS "
                                               "matures."),
}
SA_NOTE_STEMS = ("Feels that ", "Said ", "Thinks ", "Mentioned that ", "")
SA_OTHER_COMMENTS = (
    "Thank you for asking – it's good that the ICS is taking engagement seriously.",
    "The self-assessment itself was rather long.",
    "Engagement needs proper resources if it is going to work.",
    "I would welcome a workshop to discuss the findings.",
    "Please share the results with everyone who took part.",
    "Some of the areas overlap, so I have not repeated myself.",
)
