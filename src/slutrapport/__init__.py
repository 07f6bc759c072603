"""slutrapport: the final report of a Swedish regional business-development project."""
