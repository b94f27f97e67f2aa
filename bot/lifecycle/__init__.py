"""What happens after ``/meet``: the live join card, the post-meeting summary, subscriptions.

The design in one paragraph. Events (Pub/Sub push) and the reconciler never edit
anything themselves: they *request a sync* of a meeting, a durable mark in the
database. A sync reads the meeting's authoritative state from the Meet REST API and
makes Chat show it: the join card edited in place, one summary per conference. So
bursts coalesce (fifty joins, one read, one edit), out-of-order or duplicated events
cannot make the card go backwards, a lost event is repaired by the next sync, and a
process killed mid-way leaves the mark for another to finish.
"""
