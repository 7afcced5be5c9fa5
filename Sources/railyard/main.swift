print("railyard")
