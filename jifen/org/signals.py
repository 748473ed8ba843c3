from django.dispatch import Signal

# Sent inside the transfer's transaction: member, from_branch, to_branch, on (date).
member_transferred = Signal()

# Sent inside the approval's transaction: exemption.
exemption_approved = Signal()
