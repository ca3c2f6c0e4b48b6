package approval

// CardSettle is how long a card stays behind its request before a sweeper draws it again.
const CardSettle = cardSettle
