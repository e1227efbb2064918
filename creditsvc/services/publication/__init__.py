"""Publication: notices and their eligibility, publishing, the penalty-publicity register
and the public record."""
