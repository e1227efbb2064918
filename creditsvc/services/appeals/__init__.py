"""A merchant's appeals: objections, credit repair and replies shown beside its public record."""
