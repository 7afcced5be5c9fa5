# Writes what the server answers: it only exists if this ran before the server.
with open("prepared.txt", "w") as out:
    out.write("prepared")
