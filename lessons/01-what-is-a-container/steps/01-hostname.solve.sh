hostname glass
