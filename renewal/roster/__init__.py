"""The party roster (党员名册) of a unit's branch: who is on it, who is entitled on a day and
why, and its upkeep by township staff (pages, services and the Excel import).

Entitlement itself is decided by ``PartyMember.entitled_on`` / ``entitlement``; 应到会 is
the count of members entitled on the day, never a number typed in.
"""
