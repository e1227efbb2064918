"""Printed documents: context building, HTML rendering, HTML→PDF, serials, QR codes.

Never imports the database layer; takes plain data and returns bytes.
"""
