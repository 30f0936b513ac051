"""The ballots app's models (app label ``ballots``), by topic."""

from ballots.models.congress import Attendance, Congress, ElectionRound, Scrutineer, TallyEntry
from ballots.models.rules import (
    CalendarDay,
    CalendarYear,
    CountingRuleSet,
    CountyVillagersRules,
    VillagersRulePack,
)
from ballots.models.villagers import (
    BallotBox,
    ElectionCommitteeMember,
    NomineeRelative,
    VillagersBallotSetup,
    VillagersElection,
    VillagersNomination,
    VillagersPost,
    VillagersRecall,
    VillagersRound,
    VoteOfficial,
    VoterImportJob,
    VoterObjection,
    VoterProxy,
    VoterRegistration,
)

__all__ = [
    "Attendance",
    "BallotBox",
    "CalendarDay",
    "CalendarYear",
    "Congress",
    "CountingRuleSet",
    "CountyVillagersRules",
    "ElectionCommitteeMember",
    "ElectionRound",
    "NomineeRelative",
    "Scrutineer",
    "TallyEntry",
    "VillagersBallotSetup",
    "VillagersElection",
    "VillagersNomination",
    "VillagersPost",
    "VillagersRecall",
    "VillagersRound",
    "VillagersRulePack",
    "VoteOfficial",
    "VoterImportJob",
    "VoterObjection",
    "VoterProxy",
    "VoterRegistration",
]
