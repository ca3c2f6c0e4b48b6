package approval

// CardSettle is how long a card stays behind its request before a sweeper draws it again.
const CardSettle = cardSettle

// CardGiveUp is how long after a request's last change the sweepers keep drawing a card Slack
// refuses.
const CardGiveUp = cardGiveUp
