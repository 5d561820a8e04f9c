    break
